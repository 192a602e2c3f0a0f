// "Pick from the hospital list" in the admission form: a combobox over the hospital's patient
// list (pulled from the central server, searched on the host). A nurse types part of a name or
// MRN, moves through the patients found with the arrow keys (or the pointer), and Enter picks one:
// the form is filled with its MRN, names and date of birth. Says when the list was last updated,
// and that it is not available when this workstation never had one (type by hand then).
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { WorkstationClient } from '../../../../shared/api/client';
import type { HospitalListState } from '../../../../shared/api/contract-census';
import type { CensusEntry } from '../../../../shared/sync/census';
import { strings } from '../../strings';
import { reasonOf } from '../../api/reason';
import { useNow } from '../../hooks/use-now';
import { minutesAgo, timeOrDateAndTime } from '../../clinical/clinical-time';
import './patients.css';

/** A list not confirmed by the central server for this long is said to be old. */
const OLD_AFTER_MS = 5 * 60_000;
const TYPING_PAUSE_MS = 150;

export interface HospitalListPickerProps {
  client: WorkstationClient;
  onPick: (entry: CensusEntry) => void;
}

export function HospitalListPicker({ client, onPick }: HospitalListPickerProps) {
  const id = useId();
  const c = strings.census;
  const now = useNow(30_000);
  const [text, setText] = useState('');
  const [state, setState] = useState<HospitalListState | null>(null);
  const [entries, setEntries] = useState<CensusEntry[]>([]);
  const [searched, setSearched] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [problem, setProblem] = useState<string | null>(null);
  const asked = useRef(0);
  const input = useRef<HTMLInputElement>(null);
  const available = state?.available ?? false;
  // Once the list is known to be there, the search takes the focus from the form's first field,
  // as long as nothing was typed there yet (never from under a nurse typing).
  useEffect(() => {
    const here = input.current;
    const focused = document.activeElement;
    if (!available || !here) return;
    const form = here.closest('form');
    if (focused instanceof HTMLInputElement && form?.contains(focused) && focused.value === '') {
      here.focus();
    }
  }, [available]);

  // What the list is (ever pulled? as of when?) on opening, then the patients found as one types.
  useEffect(() => {
    const query = text.trim();
    const ask = ++asked.current;
    const timer = setTimeout(
      () => {
        client.request('searchCensus', { query }).then(
          (answer) => {
            if (ask !== asked.current) return;
            setProblem(null);
            setState(answer);
            setEntries(query ? answer.entries : []);
            setSearched(query || null);
            setActive(query && answer.entries.length > 0 ? 0 : -1);
          },
          (error: unknown) => ask === asked.current && setProblem(c.searchFailed(reasonOf(error))),
        );
      },
      query ? TYPING_PAUSE_MS : 0,
    );
    return () => clearTimeout(timer);
  }, [client, text, c]);

  const pick = (entry: CensusEntry) => {
    setOpen(false);
    setActive(-1);
    onPick(entry);
  };
  const shown = open && entries.length > 0;
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!shown) return setOpen(entries.length > 0);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + entries.length) % entries.length);
    } else if (event.key === 'Enter' && shown && active >= 0) {
      event.preventDefault(); // picks; does not admit
      pick(entries[active]!);
    } else if (event.key === 'Escape' && shown) {
      event.stopPropagation(); // closes the list, not the form
      setOpen(false);
    }
  };

  if (state === null) {
    return problem ? (
      <p className="patients-form__problem" role="alert">
        {problem}
      </p>
    ) : null;
  }
  if (!state.available) {
    return (
      <p className="hospital-pick__unavailable" role="status" data-testid="hospital-list-state">
        {c.notAvailable}
      </p>
    );
  }
  const optionId = (i: number) => `${id}-option-${i}`;
  const old = state?.asOfMs != null && now - state.asOfMs > OLD_AFTER_MS;
  return (
    <section className="hospital-pick" aria-labelledby={`${id}-title`} data-testid="hospital-pick">
      <h3 id={`${id}-title`} className="hospital-pick__title">
        {c.pickTitle}
      </h3>
      {state?.asOfMs != null && (
        <p
          className="patients-form__hint"
          data-testid="hospital-list-state"
          data-old={old || undefined}
        >
          {c.asOf(timeOrDateAndTime(state.asOfMs, now))}
          {old && <strong> {c.old(minutesAgo(state.asOfMs, now).replace(/ ago$/, ''))}</strong>}
        </p>
      )}
      <label className="hospital-pick__label">
        {c.pickLabel}
        <input
          type="text"
          role="combobox"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
          onFocus={() => setOpen(true)}
          aria-expanded={shown}
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
          aria-describedby={`${id}-hint`}
          maxLength={100}
          autoComplete="off"
          ref={input}
        />
      </label>
      <p id={`${id}-hint`} className="patients-form__hint">
        {c.pickHint}
      </p>
      <ul
        id={`${id}-list`}
        role="listbox"
        aria-label={c.listName}
        className="hospital-pick__list"
        hidden={!shown}
        data-testid="hospital-pick-list"
      >
        {entries.map((entry, i) => {
          const name = c.name(entry.familyName, entry.givenName);
          return (
            <li
              key={entry.mrn}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              aria-label={c.option(
                name,
                entry.mrn,
                entry.birthDate,
                c.statuses[entry.status],
                c.where(entry.location),
              )}
              className="hospital-pick__option"
              // Before the input's blur closes the list.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(entry)}
              onMouseMove={() => setActive(i)}
            >
              <span className="hospital-pick__name">{name}</span>
              <span>MRN {entry.mrn}</span>
              <span>{c.born(entry.birthDate)}</span>
              <span>{c.statuses[entry.status]}</span>
              <span>{c.where(entry.location)}</span>
            </li>
          );
        })}
      </ul>
      <p className="visually-hidden" role="status">
        {open && searched !== null ? c.found(entries.length) : ''}
      </p>
      {searched !== null && entries.length === 0 && (
        <p className="patients-form__hint">{c.noneFound(searched)}</p>
      )}
      {problem && (
        <p className="patients-form__problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
