import { App } from './App';
import { mountPage } from '../../components/mount-page';
import { paceRendering } from '../../components/render-pace';
import { loadLastConversation } from '../../lib/ui/last-conversation';
import { connectEngineEarly } from '../../hooks/useEngine';
import './style.css';

// The engine's connection and where the popup was left, asked for at once, beside the rest of the start: the
// popup waits for the engine's answer, and where it was left is in by then (App waits for it only if not).
connectEngineEarly();
void loadLastConversation();
// Before the first render: the engine's changes are rendered at a pace (render-pace.ts).
paceRendering();
mountPage({ name: 'popup', title: 'popupTitle', part: 'partMessenger', app: () => <App /> });
