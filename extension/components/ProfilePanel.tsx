import { useEffect, useState } from 'preact/hooks';
import { MAX_PROFILE_BIO_LENGTH, MAX_PROFILE_NAME_LENGTH } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import { errorMessage } from '../lib/errors';
import type { EngineClient } from '../lib/messaging/client';
import { Avatar } from './Avatar';
import { FormError } from './FormError';
import { resizeAvatar } from './avatar-resize';

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
  const action = useAction('Your profile was not published');

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
        if (live) setLoadError(`Your profile could not be read: ${errorMessage(caught)}`);
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
      setSaved(`Published (version ${own.version}): your contacts see it as soon as they are online.`);
    });
  };

  return (
    <section class="settings profile" aria-labelledby="profile-title">
      <h2 id="profile-title">Your profile</h2>
      <p class="hint">
        Shown to your contacts only: the server keeps it encrypted and cannot read it. Anyone may choose any
        display name, so your contacts still see your name on the server beside it.
      </p>
      <FormError error={loadError} />
      <form onSubmit={save}>
        <label>
          Display name
          <input
            name="displayName"
            value={displayName}
            maxLength={MAX_PROFILE_NAME_LENGTH}
            autocomplete="nickname"
            onInput={(event) => setDisplayName(event.currentTarget.value)}
          />
        </label>
        <label>
          About you
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
            <Avatar src={avatar} label="Your picture" size={64} />
          ) : (
            <span class="hint">No picture</span>
          )}
          <label>
            {avatar ? 'Change picture' : 'Choose a picture'}
            <input
              type="file"
              name="avatar"
              accept="image/jpeg,image/png,image/webp"
              onChange={(event) => choose(event.currentTarget)}
            />
          </label>
          {avatar && (
            <button type="button" onClick={() => setAvatar(undefined)}>
              Remove picture
            </button>
          )}
        </div>
        <FormError error={pictureError} />
        <FormError error={action.error} />
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            {action.busy ? 'Publishing…' : 'Publish profile'}
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
