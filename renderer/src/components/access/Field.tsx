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

interface SecretTwiceProps {
  /** 'password' (a new one: the browser may offer to save it) or 'pin' (digits, never saved). */
  kind: 'password' | 'pin';
  label: string;
  againLabel: string;
  hint?: string;
  value: string;
  again: string;
  onValue(value: string): void;
  onAgain(value: string): void;
  required?: boolean;
  testId: string;
  againTestId: string;
}

/** A new password or PIN typed twice; the form compares the two before it sends. */
export function SecretTwice({
  kind,
  label,
  againLabel,
  hint,
  value,
  again,
  onValue,
  onAgain,
  required = false,
  testId,
  againTestId,
}: SecretTwiceProps) {
  const input =
    kind === 'pin'
      ? ({ inputMode: 'numeric', autoComplete: 'off' } as const)
      : ({ autoComplete: 'new-password' } as const);
  return (
    <>
      <Field
        label={label}
        {...(hint === undefined ? {} : { hint })}
        type="password"
        {...input}
        value={value}
        onValue={onValue}
        required={required}
        data-testid={testId}
      />
      <Field
        label={againLabel}
        type="password"
        {...input}
        value={again}
        onValue={onAgain}
        required={required}
        data-testid={againTestId}
      />
    </>
  );
}
