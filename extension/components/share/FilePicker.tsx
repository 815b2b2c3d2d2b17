import { useState } from 'preact/hooks';
import { MAX_FILE_BYTES, MAX_FILES_PER_SEND } from '../../../shared/limits';
import { t } from '../../lib/i18n';

interface Props {
  readonly files: readonly File[];
  readonly onChange: (files: readonly File[]) => void;
  readonly disabled: boolean;
}

/** "1.5 MB": sizes as people read them. */
export function formatSize(bytes: number): string {
  const units = ['', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? t('sizeBytes', [String(bytes)]) : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** What is wrong with this choice of files, if anything: the engine refuses the same (protocol.ts). */
export function filesProblem(files: readonly File[]): string | undefined {
  if (files.length > MAX_FILES_PER_SEND)
    return t('tooManyFiles', [String(MAX_FILES_PER_SEND), String(files.length - MAX_FILES_PER_SEND)]);
  const big = files.find((file) => file.size > MAX_FILE_BYTES);
  if (big) return t('fileTooLarge', [big.name, formatSize(MAX_FILE_BYTES)]);
  return undefined;
}

/**
 * The files to send: the browser's own picker (several at once) inside a zone that also takes files dropped on it.
 * Chosen files add up (a second pick adds to the first) and each can be removed.
 */
export function FilePicker({ files, onChange, disabled }: Props) {
  const [over, setOver] = useState(false);
  const add = (list: FileList | null | undefined): void => {
    if (list && list.length > 0) onChange([...files, ...Array.from(list)]);
  };
  return (
    <div class="file-picker">
      <div
        class={over ? 'drop-zone drop-over' : 'drop-zone'}
        data-testid="drop-zone"
        onDragOver={(event) => {
          event.preventDefault();
          if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          if (!disabled) add(event.dataTransfer?.files);
        }}
      >
        <label for="share-files">{t('chooseFiles')}</label>
        <input
          id="share-files"
          type="file"
          multiple
          disabled={disabled}
          onChange={(event) => {
            add(event.currentTarget.files);
            event.currentTarget.value = ''; // the same file may be picked again after it was removed
          }}
        />
        <p class="hint">{t('orDropHere')}</p>
      </div>
      {files.length > 0 && (
        <ul class="chosen-files" aria-label={t('chosenFiles')}>
          {files.map((file, index) => (
            <li key={`${index}:${file.name}`}>
              <span class="file-name">{file.name}</span>{' '}
              <span class="file-size">{formatSize(file.size)}</span>
              <button
                type="button"
                disabled={disabled}
                aria-label={t('removeName', [file.name])}
                onClick={() => onChange(files.filter((_, at) => at !== index))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
