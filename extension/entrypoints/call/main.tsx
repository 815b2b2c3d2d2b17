// First: lib/calls words a string as it loads, so English must be there before (this window's size matters little).
import '../../lib/english';
import { render } from 'preact';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { parseCallWindowQuery } from '../../lib/calls/call-window';
import { startTheme } from '../../lib/ui/theme';
import { CallApp } from './CallApp';
// The popup's look (colours, buttons, errors), then this window's own layout.
import '../popup/style.css';
import './call.css';
import { t } from '../../lib/i18n';

const root = document.getElementById('app');
if (!root) throw new Error('call: #app is missing from call.html');
// The theme picked on the options page, from the first frame, as in the popup.
startTheme();
document.title = t('callTitle');
document.documentElement.lang = t('locale');
render(
  <ErrorBoundary part={t('partCallWindow')}>
    <CallApp params={parseCallWindowQuery(location.search)} />
  </ErrorBoundary>,
  root,
);
