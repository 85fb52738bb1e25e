/**
 * jsdom, plus Node's own fetch API (`fetch`, `Request`, `Response`, `Headers`), which jsdom
 * does not have: the typed client builds real requests and reads real responses in the tests.
 */
const { TestEnvironment } = require('jest-environment-jsdom');

class JsdomWithFetch extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    Object.assign(this.global, { fetch, Request, Response, Headers });
  }
}

module.exports = JsdomWithFetch;
