import { App } from './App';
import { mountPage } from '../../components/mount-page';
import { paceRendering } from '../../components/render-pace';
import { loadLastConversation } from '../../lib/ui/last-conversation';
import './style.css';

// Where the popup was left is read at once, beside the rest of the start: it is in by the time the engine answers
// (App waits for it only if not).
void loadLastConversation();
// Before the first render: the engine's changes are rendered at a pace (render-pace.ts).
paceRendering();
mountPage({ name: 'popup', title: 'popupTitle', part: 'partMessenger', app: () => <App /> });
