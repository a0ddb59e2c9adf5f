// `import path from './file.ext' with { type: 'file' }` yields the file's path (embedded by bun build --compile).
declare module '*.html' {
  const path: string;
  export default path;
}
declare module '*.css' {
  const path: string;
  export default path;
}
declare module '*.svg' {
  const path: string;
  export default path;
}
