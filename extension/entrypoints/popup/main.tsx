import { render } from 'preact';
import { App } from './App';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { paceRendering } from '../../components/render-pace';
import { startTheme } from '../../lib/ui/theme';
import './style.css';
import { loadEnglishIfNeeded, t } from '../../lib/i18n';

const root = document.getElementById('app');
if (!root) throw new Error('popup: #app is missing from popup.html');
// Before the first render and paint: the theme picked shows from the first frame, with no flash of the other.
startTheme();
paceRendering();
// Worded once the browser is known to give strings (or the English table is here); it never rejects.
void loadEnglishIfNeeded().then(() => {
  document.title = t('popupTitle');
  document.documentElement.lang = t('locale');
  // The last resort: a screen's own boundary (in App) should have caught it first.
  render(
    <ErrorBoundary part={t('partMessenger')}>
      <App />
    </ErrorBoundary>,
    root,
  );
});
