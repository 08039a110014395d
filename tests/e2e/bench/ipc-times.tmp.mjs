import { launch, stopDriver, freshDataDir, cli } from '../lib/harness.mjs';
import { seedInbox } from './views.mjs';
const dataDir = freshDataDir('ipct');
const seeded = cli(dataDir, 'demo', 'seed', '--posts', process.env.N ?? '100000', '--json');
if (seeded.status !== 0) throw new Error(seeded.stderr);
seedInbox(dataDir, 1000);
const T = `
const [cmd, args, done] = arguments;
const inv = window.__TAURI_INTERNALS__.invoke;
(async () => {
  const out = [];
  for (let i = 0; i < 6; i++) { const t = performance.now(); const r = await inv(cmd, args); out.push((performance.now()-t).toFixed(1) + 'ms/' + JSON.stringify(r).length + 'B'); }
  done(out.join(' '));
})().catch(e => done('ERR ' + JSON.stringify(e)));`;
try {
  const app = await launch({ dataDir });
  await app.client.setTimeouts(undefined, undefined, 60_000);
  await new Promise(r => setTimeout(r, 3000));
  const ov = await app.client.executeAsyncScript(`const d=arguments[0]; window.__TAURI_INTERNALS__.invoke('analytics_overview',{days:30,channelId:null}).then(r=>d(JSON.stringify({from:r.from,to:r.to,ch:r.channels.map(c=>c.channel_id), keys:Object.keys(r)})))`, []);
  console.log(ov);
  const o = JSON.parse(ov);
  console.log('overview', await app.client.executeAsyncScript(T, ['analytics_overview', { days: 30, channelId: null }]));
  console.log('postsPage', await app.client.executeAsyncScript(T, ['analytics_posts_page', { query: { channel_id: null, from: o.from, to: o.to, sort: 'published_at', descending: true, offset: 0, limit: 50 } }]));
  console.log('bestTimes', await app.client.executeAsyncScript(T, ['analytics_best_times', { channelId: o.ch[0] }]));
  console.log('core_status', await app.client.executeAsyncScript(T, ['core_status', {}]));
  await app.close();
} finally { stopDriver(); }
