import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { AboutSection } from '../../components/AboutSection';
import { BackupPanel } from '../../components/BackupPanel';
import { ChangePassphrase } from '../../components/ChangePassphrase';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { ProfilePanel } from '../../components/ProfilePanel';
import { SettingsForm } from '../../components/SettingsForm';
import { ThemePicker } from '../../components/ThemePicker';
import { UnlockForm } from '../../components/UnlockForm';
import { useEngine } from '../../hooks/useEngine';
import { t } from '../../lib/i18n';

const SECTIONS = [
  ['#settings', 'optionsNavSettings'],
  ['#profile', 'optionsNavProfile'],
  ['#passphrase', 'optionsNavSecurity'],
  ['#backup', 'optionsNavBackup'],
  ['#about', 'optionsNavAbout'],
] as const;

/**
 * The options page: the one place for settings (the popup's Settings button opens it), the theme, the profile,
 * changing the passphrase, the backup, the network, about. It talks to the engine as the popup does; while the vault is locked it shows the unlock form.
 */
export function OptionsApp() {
  const view = useEngine();
  const [saved, setSaved] = useState(false);
  const version = browser.runtime.getManifest().version;

  if (view.phase === 'connecting')
    return (
      <main class="options">
        <p class="loading" role="status">
          {view.error ?? t('optionsStarting')}
        </p>
      </main>
    );
  const { client, state } = view;
  if (state.vault === 'locked')
    return (
      <main class="options narrow">
        <ErrorBoundary part={t('partUnlockForm')}>
          <UnlockForm client={client} />
        </ErrorBoundary>
      </main>
    );
  const settings = state.settings;
  return (
    <div class="options-layout">
      {settings && (
        <nav aria-label={t('optionsTitle')}>
          <ul>
            {SECTIONS.map(([href, key]) => (
              <li key={href}>
                <a href={href}>{t(key)}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main class="options">
        {!settings && <p class="hint">{t('optionsFirstStart')}</p>}
        {/* "Saved" speaks of what the form shows: a change after it takes it back. */}
        <section id="settings" onInput={() => setSaved(false)} onChange={() => setSaved(false)}>
          <ErrorBoundary part={t('partSettings')}>
            <SettingsForm client={client} settings={settings} onSaved={() => setSaved(true)} />
            {saved && <p role="status">{t('optionsSaved')}</p>}
          </ErrorBoundary>
        </section>
        {/* Saved as it is picked, apart from the form: kept outside the vault, for every page of the extension. */}
        <section id="appearance">
          <ThemePicker />
        </section>
        {settings && (
          <>
            <section id="network" aria-labelledby="network-title">
              <h2 id="network-title">{t('optionsNetworkTitle')}</h2>
              <p class="hint">{t('optionsNetworkText')}</p>
            </section>
            <section id="profile">
              <ErrorBoundary part={t('partProfile')}>
                <ProfilePanel client={client} />
              </ErrorBoundary>
            </section>
            <ErrorBoundary part={t('partChangePassphrase')}>
              <ChangePassphrase client={client} />
            </ErrorBoundary>
            <section id="backup">
              <ErrorBoundary part={t('partBackup')}>
                <BackupPanel client={client} />
              </ErrorBoundary>
            </section>
          </>
        )}
        <AboutSection version={version} serverUrl={settings?.serverUrl} />
      </main>
    </div>
  );
}
