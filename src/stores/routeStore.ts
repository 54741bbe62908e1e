// The current URL path, kept in step with the History API.
import { create } from 'zustand';
import { parseRoute, type Route } from '../app/routes.ts';

interface RouteState {
  route: Route;
  navigate: (path: string) => void;
}

export const useRouteStore = create<RouteState>((set) => ({
  route: parseRoute(location.pathname),
  navigate: (path) => {
    if (path !== location.pathname + location.search) history.pushState(null, '', path);
    set({ route: parseRoute(new URL(path, location.origin).pathname) });
  },
}));

window.addEventListener('popstate', () => useRouteStore.setState({ route: parseRoute(location.pathname) }));
