import { useState } from 'preact/hooks';
import { useAction } from '../hooks/useAction';
import { FormError } from './FormError';

interface Props {
  /** The field's id, and its accessible name. */
  readonly id: string;
  readonly label: string;
  readonly placeholder: string;
  readonly maxLength?: number;
  readonly submitLabel: string;
  /** Runs with the trimmed text; the field empties when it succeeds, its error shows when it fails. */
  readonly onSubmit: (text: string) => Promise<void>;
}

/** One text field and its button, in a row: create a room, join with a code, invite by name. */
export function InlineForm({ id, label, placeholder, maxLength, submitLabel, onSubmit }: Props) {
  const [text, setText] = useState('');
  const action = useAction();
  return (
    <>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          void action.run(async () => {
            await onSubmit(text.trim());
            setText('');
          });
        }}
      >
        <label class="visually-hidden" for={id}>
          {label}
        </label>
        <input
          id={id}
          value={text}
          maxLength={maxLength}
          placeholder={placeholder}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <button type="submit" disabled={action.busy || !text.trim()}>
          {submitLabel}
        </button>
      </form>
      <FormError error={action.error} />
    </>
  );
}
