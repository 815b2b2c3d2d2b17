import { App } from './App';
import { mountPage } from '../../components/mount-page';
import { paceRendering } from '../../components/render-pace';
import './style.css';

// Before the first render: the engine's changes are rendered at a pace (render-pace.ts).
paceRendering();
mountPage({ name: 'popup', title: 'popupTitle', part: 'partMessenger', app: () => <App /> });
