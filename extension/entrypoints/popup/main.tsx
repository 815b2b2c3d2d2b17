import { render } from 'preact';
import { App } from './App';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { renderOncePerFrame } from '../../components/render-once-per-frame';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('popup: #app is missing from popup.html');
renderOncePerFrame();
// The last resort: a screen's own boundary (in App) should have caught it first.
render(
  <ErrorBoundary part="The messenger">
    <App />
  </ErrorBoundary>,
  root,
);
