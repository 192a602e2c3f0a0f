import { stripBench, trendBench } from './store-queries';
for (const r of await trendBench(3)) console.log(JSON.stringify(r));
for (const r of await stripBench(3)) console.log(JSON.stringify(r));
