import { mountPage } from '../../components/mount-page';
import { parseShareWindowQuery } from '../../lib/share/share-window';
import { ShareApp } from './ShareApp';
// The popup's look (colours, buttons, errors), then this window's own layout.
import '../popup/style.css';
import './share.css';

mountPage({
  name: 'share',
  title: 'shareTitle',
  part: 'partShareWindow',
  app: () => <ShareApp params={parseShareWindowQuery(location.search)} />,
});
