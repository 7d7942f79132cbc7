/**
 * The code that runs inside the sandbox before the config module (see sandbox.ts). It is sent to
 * the engine as source text (`sandboxPrelude.toString()`), so it must not use anything from this
 * file's scope: it is written against the engine's own globals only.
 *
 * It captures the intrinsics it needs before any config code runs (so a config that replaces
 * `Object.keys` or `JSON.stringify` cannot lie to it), freezes the prototypes its own arrays and
 * descriptors inherit from, wraps `Proxy` so that every proxy made is known, and returns what the
 * host keeps as handles: the `module` object, the `require` function the module sees, `extract`
 * (which turns `module.exports.default` into JSON text of plain data or names the first value that
 * is not plain data), `describe` (a thrown value in words) and the first forbidden import. `extract` never runs config code: it
 * refuses a proxy before touching it and reads properties through their descriptors, so no getter,
 * trap or `toJSON` is ever called.
 */
export interface SandboxLimits {
  /** Longest string value, in UTF-16 units. */
  maxString: number;
  /** Most values (objects, arrays and primitives together) in the exported config. */
  maxValues: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
}

export function sandboxPrelude(limits: SandboxLimits): unknown[] {
  "use strict";
  const { getPrototypeOf, getOwnPropertyDescriptor, freeze, defineProperty, hasOwn } = Object;
  const toText = String;
  const ownKeys = Reflect.ownKeys;
  const isArray = Array.isArray;
  const quote = JSON.stringify;
  const isFiniteNumber = Number.isFinite;
  const callOf = Function.prototype.call;
  const bindCall = <F extends (...args: never[]) => unknown>(f: F) =>
    callOf.bind(f) as unknown as (self: unknown, ...args: Parameters<F>) => ReturnType<F>;
  const weakHas = bindCall(WeakSet.prototype.has);
  const weakAdd = bindCall(WeakSet.prototype.add);
  const join = bindCall(Array.prototype.join);
  const push = bindCall(Array.prototype.push);
  const pop = bindCall(Array.prototype.pop);
  const includes = bindCall(Array.prototype.includes);
  const cut = bindCall(String.prototype.slice);
  const ObjectPrototype = Object.prototype;
  const ArrayPrototype = Array.prototype;
  const ErrorPrototype = Error.prototype;

  // What the walk's own arrays and descriptors could inherit is frozen before any config code
  // runs: no setter or getter can be added to an index or a property they look up.
  freeze(ObjectPrototype);
  freeze(ArrayPrototype);
  freeze(Function.prototype);

  // Every proxy the config makes goes through this wrapper, so extract() can refuse it unread.
  const proxies = new WeakSet<object>();
  const RealProxy = Proxy;
  const realRevocable = Proxy.revocable;
  const TrackedProxy = function Proxy(this: unknown, target: object, handler: ProxyHandler<object>) {
    if (new.target === undefined) throw new TypeError("Constructor Proxy requires 'new'");
    const proxy = new RealProxy(target, handler);
    weakAdd(proxies, proxy);
    return proxy;
  };
  defineProperty(TrackedProxy, "revocable", {
    value: function revocable(target: object, handler: ProxyHandler<object>) {
      const made = realRevocable(target, handler);
      weakAdd(proxies, made.proxy);
      return made;
    },
    writable: true,
    configurable: true,
  });
  defineProperty(globalThis, "Proxy", { value: TrackedProxy, writable: true, configurable: true });

  const homegarden = freeze({
    defineCluster: function defineCluster(config: unknown) {
      return config;
    },
  });
  const module = { exports: {} };
  // The first module asked for that is not homegarden: an import the type-check could not see
  // (a dynamic import, a require) is refused even when its promise's rejection goes unhandled.
  let forbidden = "";
  const require = function require(specifier: string) {
    if (specifier === "homegarden") return homegarden;
    if (forbidden === "") forbidden = toText(specifier);
    throw new Error(`cannot import "${toText(specifier)}": a config module may import only "homegarden"`);
  };
  const forbiddenImport = (): string => forbidden;

  /** A refusal: the JSON text of the path to the value and what it is. Built by hand, never by JSON.stringify on an object (a config could give arrays or objects a `toJSON`). */
  class NotData {
    constructor(
      readonly pathJson: string,
      readonly what: string,
    ) {}
  }

  /** A plain descriptor's value, read as an own property only (a config may add getters to Object.prototype). */
  const valueOf = (d: PropertyDescriptor | undefined): unknown =>
    d !== undefined && hasOwn(d, "value") ? d.value : undefined;

  /** What a non-data value is, in words for the message. */
  function kindOf(value: unknown): string {
    switch (typeof value) {
      case "bigint":
        return "a BigInt";
      case "function":
        return "a function";
      case "symbol":
        return "a symbol";
      case "undefined":
        return "undefined";
      case "number":
        return value !== value ? "NaN" : "Infinity";
      default:
        return "not plain data";
    }
  }

  function extract(mod: unknown): string {
    const path: (string | number)[] = [];
    const ancestors: object[] = [];
    // Written by index, not push(): the walk runs once per value and is the hot part of a load.
    const out: string[] = [];
    let written = 0;
    let values = 0;
    const fail = (what: string): never => {
      const parts: string[] = [];
      for (let i = 0; i < path.length; i += 1) push(parts, quote(path[i]));
      throw new NotData(`[${join(parts, ",")}]`, what);
    };
    /** A data property's value; accessors, symbols and hidden properties are refused. */
    const dataProperty = (object: object, key: string): unknown => {
      const d = getOwnPropertyDescriptor(object, key);
      if (d === undefined) return undefined;
      if (!hasOwn(d, "value")) fail("a getter or setter (accessor property)");
      if (!d.enumerable) fail("a non-enumerable property");
      return d.value;
    };
    const visit = (value: unknown): void => {
      values += 1;
      if (values > limits.maxValues) fail(`more than ${limits.maxValues} values in all`);
      if (value === null) return void (out[written++] = "null");
      switch (typeof value) {
        case "string":
          if (value.length > limits.maxString) fail(`a string longer than ${limits.maxString} characters`);
          return void (out[written++] = quote(value));
        case "boolean":
          return void (out[written++] = value ? "true" : "false");
        case "number":
          if (!isFiniteNumber(value)) fail(kindOf(value));
          return void (out[written++] = quote(value));
        case "object":
          break;
        default:
          fail(kindOf(value));
      }
      const object = value as object;
      if (weakHas(proxies, object)) fail("a Proxy");
      if (includes(ancestors, object)) fail("a cycle (the value contains itself)");
      if (ancestors.length >= limits.maxDepth) fail(`nested deeper than ${limits.maxDepth} levels`);
      const proto = getPrototypeOf(object);
      const keys = ownKeys(object);
      for (let i = 0; i < keys.length; i += 1) if (typeof keys[i] === "symbol") fail("an object with a symbol key");
      push(ancestors, object);
      if (isArray(object)) {
        if (proto !== ArrayPrototype) fail("an array of a subclass");
        const length = valueOf(getOwnPropertyDescriptor(object, "length")) as number;
        if (keys.length !== length + 1) fail("an array with holes or extra properties");
        out[written++] = "[";
        for (let i = 0; i < length; i += 1) {
          push(path, i);
          if (getOwnPropertyDescriptor(object, toText(i)) === undefined) fail("a hole in an array");
          if (i > 0) out[written++] = ",";
          visit(dataProperty(object, toText(i)));
          pop(path);
        }
        out[written++] = "]";
      } else {
        if (proto !== ObjectPrototype && proto !== null) fail("an instance of a class (Date, Map, RegExp, ...)");
        out[written++] = "{";
        let first = true;
        for (let i = 0; i < keys.length; i += 1) {
          const key = keys[i] as string;
          push(path, key);
          if (key === "__proto__") fail('an own "__proto__" key');
          const item = dataProperty(object, key);
          if (item !== undefined) {
            if (!first) out[written++] = ",";
            first = false;
            out[written++] = quote(key);
            out[written++] = ":";
            visit(item);
          }
          pop(path);
        }
        out[written++] = "}";
      }
      pop(ancestors);
    };
    try {
      if (mod === null || typeof mod !== "object" || weakHas(proxies, mod)) fail("a replaced module object");
      const exports = dataProperty(mod as object, "exports");
      if (exports === null || typeof exports !== "object" || weakHas(proxies, exports))
        fail("a replaced exports object");
      const value = dataProperty(exports as object, "default");
      if (value === undefined) return '{"ok":false,"noDefault":true}';
      visit(value);
      return `{"ok":true,"value":${join(out, "")}}`;
    } catch (error) {
      if (error instanceof NotData) return `{"ok":false,"path":${error.pathJson},"what":${quote(error.what)}}`;
      throw error;
    }
  }

  /**
   * The name, message and first position of a thrown value, read through descriptors only, and
   * cut short: what the host may show the user. A thrown non-error is described by its type.
   */
  function describe(thrown: unknown): string {
    let name = "";
    let message = "";
    let stack = "";
    if (thrown !== null && typeof thrown === "object" && !weakHas(proxies, thrown)) {
      const own = (key: string): string => {
        const value = valueOf(getOwnPropertyDescriptor(thrown, key));
        return typeof value === "string" ? value : "";
      };
      message = own("message");
      stack = own("stack");
      for (let p: object | null = thrown; p !== null && !weakHas(proxies, p); p = getPrototypeOf(p)) {
        const value = valueOf(getOwnPropertyDescriptor(p, "name"));
        if (typeof value === "string") {
          name = value;
          break;
        }
        if (p === ErrorPrototype) break;
      }
    } else if (typeof thrown === "string") {
      message = thrown;
    } else {
      message = `a thrown ${thrown === null ? "null" : typeof thrown}`;
    }
    return `{"name":${quote(cut(name, 0, 40))},"message":${quote(cut(message, 0, 300))},"stack":${quote(cut(stack, 0, 2000))}}`;
  }

  return [module, require, extract, describe, forbiddenImport];
}
