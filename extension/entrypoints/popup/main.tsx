import { App, askOpeningPage } from './App';
import { mountPage } from '../../components/mount-page';
import { paceRendering } from '../../components/render-pace';
import { loadLastConversation } from '../../lib/ui/last-conversation';
import { connectEngineEarly } from '../../hooks/useEngine';
import './style.css';

// Where the popup was left, and the engine's state with the newest page of the conversation it opens on, asked for
// at once: the first render waits for them (briefly), so the popup's first frame is that conversation.
void loadLastConversation();
const opening = connectEngineEarly(askOpeningPage);
// Before the first render: the engine's changes are rendered at a pace (render-pace.ts).
paceRendering();
mountPage({ name: 'popup', title: 'popupTitle', part: 'partMessenger', app: () => <App />, ready: opening });
