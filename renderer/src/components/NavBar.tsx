// The bar across the top of every view: the central station, patients and devices, the theme and
// the time. Inside a bed, BedViews switches between its live view, trends and review.
import { useEffect, useState } from 'react';
import { routeHref, type Route } from '../navigation';
import { strings } from '../strings';
import { Clock } from './Clock';
import { useActsOnBeds } from '../api/host-origin';
import { NavUser } from './access/NavUser';

type Theme = 'night' | 'day';
const THEME_KEY = 'workstation.theme';

function storedTheme(): Theme {
  try {
    return localStorage.getItem(THEME_KEY) === 'day' ? 'day' : 'night';
  } catch {
    return 'night';
  }
}

/** Night (dark) by default, as at a bedside at night; day for bright rooms. */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // A browser that keeps nothing still switches; the choice is only not remembered.
    }
  }, [theme]);
  return [theme, setTheme];
}

export function NavBar({ route }: { route: Route }) {
  const [theme, setTheme] = useTheme();
  // Patients and devices are managed at the workstation, not on the hospital central station.
  const actsOnBeds = useActsOnBeds();
  const links: Array<{ view: 'central' | 'patients' | 'devices' | 'settings'; label: string }> = [
    { view: 'central', label: strings.nav.central },
    ...(actsOnBeds
      ? ([
          { view: 'patients', label: strings.nav.patients },
          { view: 'devices', label: strings.nav.devices },
          { view: 'settings', label: strings.nav.settings },
        ] as const)
      : []),
  ];
  const inBed = route.view === 'bed' || route.view === 'trends' || route.view === 'review';
  return (
    <nav className="nav" aria-label={strings.nav.label}>
      {links.map(({ view, label }) => (
        <a
          key={view}
          className="nav__link"
          href={routeHref({ view })}
          aria-current={route.view === view || (view === 'central' && inBed) ? 'page' : undefined}
          data-testid={`nav-${view}`}
        >
          {label}
        </a>
      ))}
      <span className="nav__spacer" />
      <NavUser />
      <button
        type="button"
        className="nav__link"
        onClick={() => setTheme(theme === 'night' ? 'day' : 'night')}
        data-testid="theme-toggle"
        aria-label={theme === 'night' ? strings.nav.toDay : strings.nav.toNight}
      >
        {theme === 'night' ? strings.nav.day : strings.nav.night}
      </button>
      <Clock />
    </nav>
  );
}

/** Live, trends and review of one bed. */
export function BedViews({
  bedId,
  current,
}: {
  bedId: string;
  current: 'bed' | 'trends' | 'review';
}) {
  const views = [
    { view: 'bed', label: strings.nav.live },
    { view: 'trends', label: strings.nav.trends },
    { view: 'review', label: strings.nav.review },
  ] as const;
  return (
    <nav className="bed-views" aria-label={strings.nav.bedViews}>
      {views.map(({ view, label }) => (
        <a
          key={view}
          className="bed-views__view"
          href={routeHref({ view, bedId })}
          aria-current={view === current ? 'page' : undefined}
          data-testid={`bed-view-${view}`}
        >
          {label}
        </a>
      ))}
    </nav>
  );
}
