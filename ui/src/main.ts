import { mount } from 'svelte';
import './lib/design/tokens.css';
import './lib/design/base.css';
import App from './app/App.svelte';
import { parseHash } from './app/routes';
import { prefetchCalendar } from './calendar/prefetch';

// Start-up marks read by the release benchmark (tests/e2e/bench/release.mjs): the entry's script
// has been evaluated (its imports first).
performance.mark('outpost:script');

// Opening on the calendar: its first calls go out now, beside the app's own start-up calls.
if (parseHash(location.hash).page === 'calendar') prefetchCalendar();

const target = document.getElementById('app');
if (!target) throw new Error('Missing #app mount point');

export default mount(App, { target });
