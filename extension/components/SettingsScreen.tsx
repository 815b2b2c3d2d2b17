import type { EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import { BackupPanel } from './BackupPanel';
import { ErrorBoundary } from './ErrorBoundary';
import { ProfilePanel } from './ProfilePanel';
import { SettingsForm } from './SettingsForm';
import { ThemePicker } from './ThemePicker';

interface Props {
  readonly client: EngineClient;
  /** None yet: the first start, where the form chooses the name. */
  readonly settings: EngineState['settings'];
  readonly onDone: () => void;
}

/**
 * The popup's settings: the form (or the first start's), the theme, and once set up the profile and the backup.
 * A module of its own: the popup loads it only when it is shown (App.tsx), not with every opening.
 */
export function SettingsScreen({ client, settings, onDone }: Props) {
  return (
    <ErrorBoundary part="Settings">
      <SettingsForm client={client} settings={settings} onDone={settings ? onDone : undefined} />
      <div class="settings-extra">
        <ThemePicker />
      </div>
      {settings && <ProfilePanel client={client} />}
      {settings && <BackupPanel client={client} />}
    </ErrorBoundary>
  );
}

export default SettingsScreen;
