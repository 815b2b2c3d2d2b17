import { percentOf } from './file-format';
import { progressText, type Progress } from './transfer-text';

/** A progress bar and its line (percent, speed, time left); the line is also what assistive tech reads. */
export function TransferProgress({
  progress,
  label,
}: {
  readonly progress: Progress;
  readonly label: string;
}) {
  const text = progressText(progress);
  return (
    <span class="transfer-progress">
      <progress
        max={100}
        value={percentOf(progress.bytes, progress.size)}
        aria-label={label}
        aria-valuetext={text}
        data-testid="transfer-progress"
      />
      {/* Off: in the message log (a live region) each progress event would be read out. */}
      <span class="transfer-line" aria-live="off" data-testid="transfer-line">
        {text}
      </span>
    </span>
  );
}
