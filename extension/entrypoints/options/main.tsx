import { render } from 'preact';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { loadEnglishIfNeeded, t } from '../../lib/i18n';
import { startTheme } from '../../lib/ui/theme';
import { OptionsApp } from './OptionsApp';
import '../popup/style.css';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('options: #app is missing from options.html');
// Before the first render: the theme picked (here or in another page) shows from the first frame.
startTheme();
// Worded once the browser is known to give strings (or the English table is here); it never rejects.
void loadEnglishIfNeeded().then(() => {
  document.title = t('optionsTitle');
  document.documentElement.lang = t('locale');
  render(
    <ErrorBoundary part={t('partOptions')}>
      <OptionsApp />
    </ErrorBoundary>,
    root,
  );
});
