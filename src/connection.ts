/** Binds the API client to the Jupyter server (base URL, token, XSRF). */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { Requester } from './api';

export function serverRequester(
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Requester {
  return (path: string, init: RequestInit = {}) =>
    ServerConnection.makeRequest(URLExt.join(settings.baseUrl, path), init, settings);
}
