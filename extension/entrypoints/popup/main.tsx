import { render } from 'preact';
import { App } from './App';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { paceRendering } from '../../components/render-pace';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('popup: #app is missing from popup.html');
paceRendering();
// The last resort: a screen's own boundary (in App) should have caught it first.
render(
  <ErrorBoundary part="The messenger">
    <App />
  </ErrorBoundary>,
  root,
);
