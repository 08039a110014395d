import { mount } from 'svelte';
import './lib/design/tokens.css';
import './lib/design/base.css';
import App from './app/App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('Missing #app mount point');

export default mount(App, { target });
