// A minimal application menu: the standard roles only (quit, edit, zoom, window), so copy
// and paste work in every text field on macOS and nothing in the menu can navigate the
// window or open another one. Developer tools appear in development builds only.
import type { MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate({ isMac, devTools }: { isMac: boolean; devTools: boolean }): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  if (devTools) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  return [
    ...(isMac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}
