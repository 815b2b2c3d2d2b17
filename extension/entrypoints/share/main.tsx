import { render } from 'preact';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { parseShareWindowQuery } from '../../lib/share/share-window';
import { startTheme } from '../../lib/ui/theme';
import { ShareApp } from './ShareApp';
// The popup's look (colours, buttons, errors), then this window's own layout.
import '../popup/style.css';
import './share.css';
import { loadEnglishIfNeeded, t } from '../../lib/i18n';

const root = document.getElementById('app');
if (!root) throw new Error('share: #app is missing from share.html');
// The theme picked on the options page, from the first frame, as in the popup.
startTheme();
// Worded once the browser is known to give strings (or the English table is here); it never rejects.
void loadEnglishIfNeeded().then(() => {
  document.title = t('shareTitle');
  document.documentElement.lang = t('locale');
  render(
    <ErrorBoundary part={t('partShareWindow')}>
      <ShareApp params={parseShareWindowQuery(location.search)} />
    </ErrorBoundary>,
    root,
  );
});
