/**
 * Typechecked scripts of originated contracts, cached by address (a script
 * never changes once originated, and typechecking is the costly part of a
 * call), and the interpreter's view of other contracts (CONTRACT, VIEW).
 */

import {
  type ContractInfo,
  type Expr,
  type Script,
  typecheckContract,
} from '../michelson/index.js';
import type { StateReader } from './state.js';

export class ScriptCache {
  private readonly scripts = new Map<string, Script>();

  /** The typechecked script of `address`, whose code is `code`. */
  get(address: string, code: Expr[]): Script {
    let s = this.scripts.get(address);
    if (!s) {
      s = typecheckContract(code);
      this.scripts.set(address, s);
    }
    return s;
  }

  /** Remember a script typechecked at origination. */
  put(address: string, script: Script): void {
    this.scripts.set(address, script);
  }

  /** `ExecutionContext.contract` over a state. */
  lookup(state: StateReader): (address: string) => ContractInfo | undefined {
    return (address) => {
      const acc = state.account(address);
      if (!acc?.script) return undefined;
      const s = this.get(address, acc.script.code);
      const views = acc.script.code.filter(
        (e) => typeof e === 'object' && e !== null && 'prim' in e && e.prim === 'view',
      );
      return {
        parameter: s.parameterType,
        storageType: s.storageType,
        storage: acc.script.storage,
        views,
        balance: acc.balance,
      };
    };
  }
}
