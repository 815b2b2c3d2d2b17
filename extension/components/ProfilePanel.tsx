import { useEffect, useState } from 'preact/hooks';
import { MAX_PROFILE_BIO_LENGTH, MAX_PROFILE_NAME_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import { errorMessage } from '../lib/errors';
import type { EngineClient } from '../lib/messaging/client';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { resizeAvatar } from './avatar-resize';
import { t } from '../lib/i18n';

interface Props {
  readonly client: EngineClient;
  /** Makes an avatar of the chosen file (a canvas in the popup); tests give their own. */
  readonly resize?: (file: Blob) => Promise<string>;
}

/**
 * "Your profile": a display name, a few words about oneself and a picture, for contacts only. The picture is
 * resized here, on a canvas, before the engine sees it; the engine seals all of it for contacts and the server
 * stores it without being able to read it.
 */
export function ProfilePanel({ client, resize = resizeAvatar }: Props) {
  const [displayName, setDisplayName] = useState('');
  const [bio, setBio] = useState('');
  const [avatar, setAvatar] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [pictureError, setPictureError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const action = useAction(t('profileNotPublished'));

  useEffect(() => {
    let live = true;
    client.request('getProfile', {}).then(
      (own) => {
        if (!live || !own) return;
        setDisplayName(own.displayName);
        setBio(own.bio);
        setAvatar(own.avatar);
      },
      (caught: unknown) => {
        if (live) setLoadError(t('profileNotRead', [errorMessage(caught)]));
      },
    );
    return () => {
      live = false;
    };
  }, [client]);

  const choose = (input: HTMLInputElement): void => {
    const file = input.files?.[0];
    input.value = ''; // the same file chosen again is a change again
    if (!file) return;
    setPictureError(undefined);
    resize(file).then(setAvatar, (caught: unknown) => setPictureError(errorMessage(caught)));
  };
  const save = (event: Event): void => {
    event.preventDefault();
    setSaved(undefined);
    void action.run(async () => {
      const own = await client.request('saveProfile', {
        displayName,
        bio,
        ...(avatar ? { avatar } : {}),
      });
      setSaved(t('profilePublished', [String(own.version)]));
    });
  };

  return (
    <section class="settings profile" aria-labelledby="profile-title">
      <h2 id="profile-title">{t('yourProfile')}</h2>
      <p class="hint">{t('profileHint')}</p>
      <FormError error={loadError} />
      <form onSubmit={save}>
        <label>
          {t('displayName')}
          <input
            name="displayName"
            value={displayName}
            maxLength={MAX_PROFILE_NAME_LENGTH}
            autocomplete="nickname"
            onInput={(event) => setDisplayName(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('aboutYou')}
          <textarea
            name="bio"
            value={bio}
            maxLength={MAX_PROFILE_BIO_LENGTH}
            rows={2}
            onInput={(event) => setBio(event.currentTarget.value)}
          />
        </label>
        <div class="avatar-picker">
          {avatar ? (
            <Avatar src={avatar} label={t('yourPicture')} size={64} />
          ) : (
            <span class="hint">{t('noPicture')}</span>
          )}
          <label>
            {avatar ? t('changePicture') : t('choosePicture')}
            <input
              type="file"
              name="avatar"
              accept="image/jpeg,image/png,image/webp"
              onChange={(event) => choose(event.currentTarget)}
            />
          </label>
          {avatar && (
            <button type="button" onClick={() => setAvatar(undefined)}>
              {t('removePicture')}
            </button>
          )}
        </div>
        <FormError error={pictureError} />
        <FormError error={action.error} />
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            {action.busy ? t('publishing') : t('publishProfile')}
          </button>
        </div>
      </form>
      {saved && (
        <p class="done" role="status">
          {saved}
        </p>
      )}
    </section>
  );
}
