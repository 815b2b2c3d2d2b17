import { useState } from 'preact/hooks';
import { MAX_AUTO_LOCK_MINUTES, MAX_NAME_LENGTH, MIN_PASSPHRASE_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import type { EngineState } from '../lib/messaging/protocol';
import {
  DEFAULT_NOTIFICATION_MODE,
  DEFAULT_SERVER_URL,
  NotificationModeSchema,
  type NotificationMode,
} from '../lib/settings';
import { AccountPanel } from './AccountPanel';
import { FormError } from './FormError';
import { PassphraseFields } from './PassphraseFields';
import { t, type MessageKey } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  readonly settings: EngineState['settings'];
  /** Told after each successful save (the options page stays and says so). */
  readonly onSaved?: () => void;
}

const NOTIFICATION_CHOICES: Readonly<Record<NotificationMode, MessageKey>> = {
  off: 'notifyOff',
  'without-content': 'notifyWithout',
  'with-content': 'notifyWith',
};

const AUTO_LOCK_CHOICES = [0, 5, 15, 60, 240].filter((minutes) => minutes <= MAX_AUTO_LOCK_MINUTES);

/**
 * First start (name, server, passphrase) and later changes (name, server, auto-lock, read receipts, appearing
 * offline, notifications, typing indicators), with the account on the server below (release the name, delete the account).
 */
export function SettingsForm({ client, settings, onSaved }: Props) {
  const [name, setName] = useState(settings?.name ?? '');
  const [serverUrl, setServerUrl] = useState(settings?.serverUrl ?? DEFAULT_SERVER_URL);
  const [autoLockMinutes, setAutoLockMinutes] = useState(settings?.autoLockMinutes ?? 0);
  const [sendReadReceipts, setSendReadReceipts] = useState(settings?.sendReadReceipts ?? true);
  const [appearOffline, setAppearOffline] = useState(settings?.appearOffline ?? false);
  const [autoAcceptImages, setAutoAcceptImages] = useState(settings?.autoAcceptImages ?? false);
  const [notifications, setNotifications] = useState(settings?.notifications ?? DEFAULT_NOTIFICATION_MODE);
  const [typingIndicators, setTypingIndicators] = useState(settings?.typingIndicators ?? true);
  const [passphrase, setPassphrase] = useState<string>();
  const { busy, error, run } = useAction();
  const firstStart = !settings;

  const submit = (event: Event): void => {
    event.preventDefault();
    void run(async () => {
      if (firstStart) {
        if (passphrase === undefined) throw new Error(t('optionsPassphrasesDiffer'));
        await client.request('setUp', {
          name,
          serverUrl,
          autoLockMinutes,
          sendReadReceipts,
          appearOffline,
          autoAcceptImages,
          notifications,
          typingIndicators,
          passphrase,
        });
      } else {
        await client.request('saveSettings', {
          name,
          serverUrl,
          autoLockMinutes,
          sendReadReceipts,
          appearOffline,
          autoAcceptImages,
          notifications,
          typingIndicators,
        });
      }
      onSaved?.();
    });
  };

  return (
    <>
      <form class="settings" onSubmit={submit} aria-labelledby="settings-title">
        <h1 id="settings-title">{firstStart ? t('welcomeChooseName') : t('settings')}</h1>
        <label>
          {t('yourName')}
          <input
            name="name"
            value={name}
            maxLength={MAX_NAME_LENGTH}
            required
            autoFocus
            autoComplete="nickname"
            onInput={(event) => setName(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('signalServer')}
          <input
            name="serverUrl"
            type="url"
            value={serverUrl}
            required
            onInput={(event) => setServerUrl(event.currentTarget.value)}
          />
        </label>
        {firstStart && (
          <PassphraseFields
            legend={t('passphrase')}
            repeatLabel={t('repeatPassphrase')}
            hint={t('firstPassphraseHint', [String(MIN_PASSPHRASE_LENGTH)])}
            onChange={setPassphrase}
          />
        )}
        <label>
          {t('lockAfter')}
          <select
            name="autoLockMinutes"
            value={autoLockMinutes}
            onChange={(event) => setAutoLockMinutes(Number(event.currentTarget.value))}
          >
            {AUTO_LOCK_CHOICES.map((minutes) => (
              <option key={minutes} value={minutes}>
                {minutes === 0 ? t('lockNever') : t('minutesIdle', [String(minutes)])}
              </option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            name="sendReadReceipts"
            checked={sendReadReceipts}
            onChange={(event) => setSendReadReceipts(event.currentTarget.checked)}
          />
          {t('sendReadReceipts')}
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            name="appearOffline"
            checked={appearOffline}
            onChange={(event) => setAppearOffline(event.currentTarget.checked)}
          />
          {t('appearOfflineSetting')}
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            name="autoAcceptImages"
            checked={autoAcceptImages}
            onChange={(event) => setAutoAcceptImages(event.currentTarget.checked)}
          />
          {t('autoAcceptImages')}
        </label>
        <label>
          {t('notificationsForMessages')}
          <select
            name="notifications"
            value={notifications}
            onChange={(event) => {
              const chosen = NotificationModeSchema.options.find(
                (mode) => mode === event.currentTarget.value,
              );
              if (chosen) setNotifications(chosen);
            }}
          >
            {NotificationModeSchema.options.map((mode) => (
              <option key={mode} value={mode}>
                {t(NOTIFICATION_CHOICES[mode])}
              </option>
            ))}
          </select>
        </label>
        <label class="checkbox">
          <input
            type="checkbox"
            name="typingIndicators"
            checked={typingIndicators}
            onChange={(event) => setTypingIndicators(event.currentTarget.checked)}
          />
          {t('typingIndicators')}
        </label>
        <FormError error={error} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('saving') : firstStart ? t('startChatting') : t('save')}
          </button>
        </div>
      </form>
      {settings && <AccountPanel client={client} settings={settings} />}
    </>
  );
}
