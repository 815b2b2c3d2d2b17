import { useState } from 'preact/hooks';
import { MAX_BACKUP_BYTES } from '../../shared/limits';
import { useAction } from '../hooks/useAction';
import type { EngineClient } from '../lib/messaging/client';
import { FormError } from './FormError';
import { PassphraseFields } from './PassphraseFields';
import { t } from '../lib/i18n';

/** Export identity and history as one encrypted file; restore one (replacing what is here). */
export function BackupPanel({ client }: { readonly client: EngineClient }) {
  const [exportPassphrase, setExportPassphrase] = useState<string>();
  const [importPassphrase, setImportPassphrase] = useState('');
  const [file, setFile] = useState<File>();
  const [done, setDone] = useState<string>();
  const exporting = useAction();
  const importing = useAction();

  const exportBackup = (event: Event): void => {
    event.preventDefault();
    setDone(undefined);
    void exporting.run(async () => {
      if (exportPassphrase === undefined) throw new Error(t('optionsPassphrasesDiffer'));
      const { fileName, backup } = await client.request('exportBackup', { passphrase: exportPassphrase });
      const url = URL.createObjectURL(new Blob([backup], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDone(t('savedFile', [fileName]));
    });
  };
  const importBackup = (event: Event): void => {
    event.preventDefault();
    setDone(undefined);
    void importing.run(async () => {
      if (!file) throw new Error(t('chooseBackupFile'));
      if (file.size > MAX_BACKUP_BYTES)
        throw new Error(t('backupTooBig', [String(MAX_BACKUP_BYTES / 2 ** 20)]));
      await client.request('importBackup', { passphrase: importPassphrase, backup: await file.text() });
      setDone(t('backupRestored'));
    });
  };

  return (
    <section class="backup" aria-labelledby="backup-title">
      <h2 id="backup-title">{t('backup')}</h2>
      <form class="settings" onSubmit={exportBackup}>
        <PassphraseFields
          legend={t('backupPassphrase')}
          repeatLabel={t('repeatBackupPassphrase')}
          hint={t('backupPassphraseHint')}
          onChange={setExportPassphrase}
        />
        <FormError error={exporting.error} />
        <div class="actions">
          <button type="submit" disabled={exporting.busy}>
            {exporting.busy ? t('encrypting') : t('exportBackup')}
          </button>
        </div>
      </form>
      <form class="settings" onSubmit={importBackup}>
        <label>
          {t('backupFile')}
          <input
            type="file"
            accept="application/json,.json"
            required
            onChange={(event) => setFile(event.currentTarget.files?.[0])}
          />
        </label>
        <label>
          {t('backupFilePassphrase')}
          <input
            type="password"
            value={importPassphrase}
            required
            autoComplete="off"
            onInput={(event) => setImportPassphrase(event.currentTarget.value)}
          />
        </label>
        <p class="hint">{t('restoreHint')}</p>
        <FormError error={importing.error} />
        <div class="actions">
          <button type="submit" disabled={importing.busy}>
            {importing.busy ? t('restoring') : t('restoreBackup')}
          </button>
        </div>
      </form>
      {done && (
        <p class="done" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
