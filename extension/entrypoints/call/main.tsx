// First: lib/calls words a string as it loads, so English must be there before (this window's size matters little).
import '../../lib/english';
import { mountPage } from '../../components/mount-page';
import { parseCallWindowQuery } from '../../lib/calls/call-window';
import { CallApp } from './CallApp';
// The popup's look (colours, buttons, errors), then this window's own layout.
import '../popup/style.css';
import './call.css';

mountPage({
  name: 'call',
  title: 'callTitle',
  part: 'partCallWindow',
  app: () => <CallApp params={parseCallWindowQuery(location.search)} />,
});
