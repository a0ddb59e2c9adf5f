import postgres from 'postgres';
import { startPrivateStore } from './helpers/private-stores';
process.on('uncaughtException', (e: any) => console.log('UNCAUGHT', e?.code, e?.message, e?.stack?.split('\n').slice(0, 6).join(' | ')));
process.on('unhandledRejection', (e: any) => console.log('UNHANDLED', e?.code, e?.message));
const store = await startPrivateStore('postgres');
const sql = postgres(store.url, { max: 10, connect_timeout: 2, onnotice: () => {}, backoff: (r: number) => Math.min(0.1 * r, 1), ...(process.argv[2] === 'guard' ? {} : {}) });
await sql.listen('grok2api_events', () => {}, () => console.log('onlisten'));
let stop = false;
const fire = () => sql`SELECT pg_sleep(0.01)`.catch(() => {});
const background = (async () => { while (!stop) { for (let i = 0; i < 5; i++) void fire(); await Bun.sleep(20); } })();
for (let round = 0; round < 3; round++) {
  await Bun.sleep(1000);
  store.pause();
  await Bun.sleep(2500);
  await store.kill();
  console.log('killed', round);
  await Bun.sleep(1500);
  await store.restart();
  console.log('restarted', round);
}
stop = true;
await sql.end({ timeout: 1 });
await store.remove();
