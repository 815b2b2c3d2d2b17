import { render } from 'preact';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { t } from '../../lib/i18n';
import { startTheme } from '../../lib/ui/theme';
import { OptionsApp } from './OptionsApp';
import '../popup/style.css';
import './style.css';

const root = document.getElementById('app');
if (!root) throw new Error('options: #app is missing from options.html');
document.title = t('optionsTitle');
document.documentElement.lang = t('locale');
// Before the first render: the theme picked (here or in another page) shows from the first frame.
startTheme();
render(
  <ErrorBoundary part={t('partOptions')}>
    <OptionsApp />
  </ErrorBoundary>,
  root,
);
