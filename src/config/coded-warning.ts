/**
 * A warning for the operator: a stable code and its parameters, which the console turns into text
 * in the reader's language (public/common/strings-*.ts, `warning_<code>`), and the English text
 * for logs and the API.
 */
export interface CodedWarning {
  code: string;
  params: Record<string, string>;
  message: string;
}

export const codedWarning = (code: string, params: Record<string, string>, message: string): CodedWarning => ({
  code,
  params,
  message,
});
