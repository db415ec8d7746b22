/**
 * jsdom for the view tests, plus the fetch classes (Response, Request, Headers) that
 * Node has and jsdom lacks: the specs' fake requester answers with real Responses.
 * Also DragEvent, which jsdom lacks and @lumino/dragdrop (under @lumino/widgets)
 * extends as it loads.
 * A spec opts in with the docblock `@jest-environment ./jest-env-jsdom.js`.
 */
const { TestEnvironment } = require('jest-environment-jsdom');

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of ['Response', 'Request', 'Headers', 'TextEncoder', 'TextDecoder']) {
      if (this.global[name] === undefined) {
        this.global[name] = globalThis[name];
      }
    }
    if (this.global.DragEvent === undefined) {
      this.global.DragEvent = class DragEvent extends this.global.MouseEvent {
        constructor(type, init = {}) {
          super(type, init);
          this.dataTransfer = init.dataTransfer ?? null;
        }
      };
    }
  }
}

module.exports = JsdomWithFetch;
