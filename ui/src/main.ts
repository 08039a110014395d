import { mount } from 'svelte';
import './lib/design/tokens.css';
import './lib/design/base.css';
import App from './app/App.svelte';

// Start-up marks read by the release benchmark (tests/e2e/bench/release.mjs): the entry's script
// has been evaluated (its imports first).
performance.mark('outpost:script');

const target = document.getElementById('app');
if (!target) throw new Error('Missing #app mount point');

export default mount(App, { target });
