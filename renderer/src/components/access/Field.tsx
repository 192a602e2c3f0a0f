// One labelled field of the access forms: the label, the input and, when there is one, the hint
// the input is described by.
import { useId, type InputHTMLAttributes, type Ref } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'id'> {
  label: string;
  hint?: string;
  value: string;
  onValue(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
}

export function Field({ label, hint, value, onValue, inputRef, ...input }: FieldProps) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <span className="access-form__input">
        <input
          {...input}
          id={id}
          ref={inputRef}
          value={value}
          onChange={(event) => onValue(event.target.value)}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        {hint && (
          <span id={`${id}-hint`} className="access-form__hint">
            {hint}
          </span>
        )}
      </span>
    </>
  );
}
