import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

const root = document.getElementById('app')!;
// The boot message is static HTML; Preact renders beside existing children, so it goes first.
root.textContent = '';
render(<App />, root);
