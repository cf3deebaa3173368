/** The single-page app: hash routes #/explorer?… and #/runs[/NAME]. */
import './style.css';
import { mountExplorer } from './explorer.js';
import { mountCompare, mountRun, mountRunList } from './runs-view.js';

const app = document.getElementById('app')!;
let cleanup: (() => void) | undefined;

function route(): void {
  const hash = location.hash.replace(/^#/, '') || '/explorer';
  const [routePath = '/explorer', query = ''] = hash.split('?');
  // The explorer rewrites its own query with history.replaceState, which fires no hashchange, so
  // every call here is a navigation by the user (a link, a pasted URL): mount the view afresh.
  cleanup?.();
  cleanup = undefined;
  for (const id of ['tab-explorer', 'tab-runs']) document.getElementById(id)?.classList.remove('active');
  if (routePath === '/compare') {
    document.getElementById('tab-runs')?.classList.add('active');
    void mountCompare(app, query);
  } else if (routePath.startsWith('/runs')) {
    document.getElementById('tab-runs')?.classList.add('active');
    const name = decodeURIComponent(routePath.slice('/runs/'.length));
    void (name === '' ? mountRunList(app) : mountRun(app, name));
  } else {
    document.getElementById('tab-explorer')?.classList.add('active');
    cleanup = mountExplorer(app, query);
  }
}

window.addEventListener('hashchange', route);
route();
