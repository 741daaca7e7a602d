/**
 * Michelson types: a typed representation, parsing from Micheline,
 * unparsing back, equality and the attributes the type system checks.
 *
 * Attributes follow the Michelson reference's type table:
 *
 *   type        comparable passable storable pushable packable big_map_value duplicable
 *   operation       no        no       no       no       no          yes         yes
 *   contract        no        yes      no       no       yes         yes         yes
 *   ticket          no        yes      yes      no       no          yes         no
 *   big_map         no        yes      yes      no       no          no          yes
 *   lambda/list/map/set/option/or/pair: derived from their arguments
 *   (pairs, options and ors of comparable types are comparable).
 *
 * N-ary `pair a b c` is normalized to the right comb `pair a (pair b c)`.
 * Field annotations (`%name`) are kept for entrypoints; all other
 * annotations are ignored, as the protocol does since Lima.
 */

import { TypeCheckError, UnsupportedError } from './errors.js';
import { type Expr, fieldAnnot, isPrim, type Prim, prim, show } from './micheline.js';

export type AtomName =
  | 'int'
  | 'nat'
  | 'string'
  | 'bytes'
  | 'mutez'
  | 'bool'
  | 'key_hash'
  | 'timestamp'
  | 'address'
  | 'key'
  | 'unit'
  | 'signature'
  | 'chain_id'
  | 'never'
  | 'operation';

interface Annotated {
  /** Field annotation without `%`, used to name entrypoints. */
  readonly field?: string;
}
export interface AtomType extends Annotated {
  readonly prim: AtomName;
}
export interface UnaryType extends Annotated {
  readonly prim: 'option' | 'list' | 'set' | 'contract' | 'ticket';
  readonly arg: MType;
}
export interface BinaryType extends Annotated {
  readonly prim: 'pair' | 'or';
  readonly left: MType;
  readonly right: MType;
}
export interface LambdaType extends Annotated {
  readonly prim: 'lambda';
  readonly arg: MType;
  readonly ret: MType;
}
export interface MapType extends Annotated {
  readonly prim: 'map' | 'big_map';
  readonly key: MType;
  readonly value: MType;
}
export type MType = AtomType | UnaryType | BinaryType | LambdaType | MapType;

const ATOMS = new Set<string>([
  'int',
  'nat',
  'string',
  'bytes',
  'mutez',
  'bool',
  'key_hash',
  'timestamp',
  'address',
  'key',
  'unit',
  'signature',
  'chain_id',
  'never',
  'operation',
]);

/** Types of protocol Ushuaia this interpreter does not implement. */
const UNSUPPORTED_TYPES = new Set([
  'bls12_381_g1',
  'bls12_381_g2',
  'bls12_381_fr',
  'sapling_state',
  'sapling_transaction',
  'sapling_transaction_deprecated',
  'chest',
  'chest_key',
]);

/** `michelson_maximum_type_size` (constants_repr.ml). */
export const MAX_TYPE_SIZE = 2001;

export const T = {
  int: { prim: 'int' } as MType,
  nat: { prim: 'nat' } as MType,
  string: { prim: 'string' } as MType,
  bytes: { prim: 'bytes' } as MType,
  mutez: { prim: 'mutez' } as MType,
  bool: { prim: 'bool' } as MType,
  keyHash: { prim: 'key_hash' } as MType,
  timestamp: { prim: 'timestamp' } as MType,
  address: { prim: 'address' } as MType,
  key: { prim: 'key' } as MType,
  unit: { prim: 'unit' } as MType,
  signature: { prim: 'signature' } as MType,
  chainId: { prim: 'chain_id' } as MType,
  never: { prim: 'never' } as MType,
  operation: { prim: 'operation' } as MType,
  option: (arg: MType): MType => ({ prim: 'option', arg }),
  list: (arg: MType): MType => ({ prim: 'list', arg }),
  set: (arg: MType): MType => ({ prim: 'set', arg }),
  contract: (arg: MType): MType => ({ prim: 'contract', arg }),
  ticket: (arg: MType): MType => ({ prim: 'ticket', arg }),
  pair: (left: MType, right: MType): MType => ({ prim: 'pair', left, right }),
  or: (left: MType, right: MType): MType => ({ prim: 'or', left, right }),
  lambda: (arg: MType, ret: MType): MType => ({ prim: 'lambda', arg, ret }),
  map: (key: MType, value: MType): MType => ({ prim: 'map', key, value }),
  bigMap: (key: MType, value: MType): MType => ({ prim: 'big_map', key, value }),
};

/** Parse a Micheline type; N-ary pairs become right combs. */
export function parseType(e: Expr): MType {
  const budget = { left: MAX_TYPE_SIZE };
  return parseTypeRec(e, budget);
}

function parseTypeRec(e: Expr, budget: { left: number }): MType {
  if (--budget.left < 0) throw new TypeCheckError('Cannot parse type: larger than 2001 nodes');
  if (Array.isArray(e)) {
    // `{ a ; b ; c }` is not a type; Tezos only accepts sequences for data combs.
    throw new TypeCheckError(`Cannot parse type ${show(e)}: a sequence is not a type`, e);
  }
  if (!isPrim(e)) throw new TypeCheckError(`Cannot parse type ${show(e)}: not a type`, e);
  const name = e.prim;
  const a = e.args ?? [];
  const field = fieldAnnot(e);
  const withField = <X extends MType>(t: X): X => (field === undefined ? t : { ...t, field });
  const arity = (n: number) => {
    if (a.length !== n)
      throw new TypeCheckError(`Cannot parse type ${show(e)}: ${name} takes ${n} arguments`, e);
  };
  if (ATOMS.has(name)) {
    arity(0);
    return withField({ prim: name as AtomName });
  }
  if (UNSUPPORTED_TYPES.has(name)) throw new UnsupportedError(name, 'type');
  switch (name) {
    case 'option':
    case 'list':
    case 'set':
    case 'contract':
    case 'ticket': {
      arity(1);
      const arg = parseTypeRec(a[0] as Expr, budget);
      if ((name === 'set' || name === 'ticket') && !isComparable(arg))
        throw new TypeCheckError(
          `Cannot parse type ${show(e)}: ${name} needs a comparable type`,
          e,
        );
      return withField({ prim: name, arg });
    }
    case 'pair': {
      if (a.length < 2)
        throw new TypeCheckError(`Cannot parse type ${show(e)}: pair needs 2+ arguments`, e);
      // Right comb: pair a b c = pair a (pair b c). Parse iteratively to avoid deep recursion.
      const parsed = a.map((x) => parseTypeRec(x, budget));
      let acc = parsed[parsed.length - 1] as MType;
      for (let i = parsed.length - 2; i >= 0; i--)
        acc = { prim: 'pair', left: parsed[i] as MType, right: acc };
      return withField(acc as BinaryType);
    }
    case 'or': {
      arity(2);
      return withField({
        prim: 'or',
        left: parseTypeRec(a[0] as Expr, budget),
        right: parseTypeRec(a[1] as Expr, budget),
      });
    }
    case 'lambda':
      arity(2);
      return withField({
        prim: 'lambda',
        arg: parseTypeRec(a[0] as Expr, budget),
        ret: parseTypeRec(a[1] as Expr, budget),
      });
    case 'map':
    case 'big_map': {
      arity(2);
      const key = parseTypeRec(a[0] as Expr, budget);
      const value = parseTypeRec(a[1] as Expr, budget);
      if (!isComparable(key))
        throw new TypeCheckError(`Cannot parse type ${show(e)}: keys must be comparable`, e);
      if (name === 'big_map' && !props(value).bigMapValue)
        throw new TypeCheckError(
          `Cannot parse type ${show(e)}: big_map values cannot hold big maps`,
          e,
        );
      return withField({ prim: name, key, value });
    }
    default:
      throw new TypeCheckError(`Cannot parse type ${show(e)}: unknown type ${name}`, e);
  }
}

/** Micheline of a type. Right combs are flattened as the protocol's `unparse_ty` does. */
export function unparseType(t: MType, annots = false): Prim {
  const ann = annots && t.field !== undefined ? [`%${t.field}`] : undefined;
  switch (t.prim) {
    case 'option':
    case 'list':
    case 'set':
    case 'contract':
    case 'ticket':
      return prim(t.prim, [unparseType(t.arg, annots)], ann);
    case 'pair': {
      const l = unparseType(t.left, annots);
      const r = unparseType(t.right, annots);
      if (r.prim === 'pair' && r.annots === undefined)
        return prim('pair', [l, ...(r.args ?? [])], ann);
      return prim('pair', [l, r], ann);
    }
    case 'or':
      return prim('or', [unparseType(t.left, annots), unparseType(t.right, annots)], ann);
    case 'lambda':
      return prim('lambda', [unparseType(t.arg, annots), unparseType(t.ret, annots)], ann);
    case 'map':
    case 'big_map':
      return prim(t.prim, [unparseType(t.key, annots), unparseType(t.value, annots)], ann);
    default:
      return prim(t.prim, undefined, ann);
  }
}

/** Structural equality, annotations ignored. */
export function typesEqual(a: MType, b: MType): boolean {
  if (a === b) return true;
  if (a.prim !== b.prim) return false;
  switch (a.prim) {
    case 'option':
    case 'list':
    case 'set':
    case 'contract':
    case 'ticket':
      return typesEqual(a.arg, (b as UnaryType).arg);
    case 'pair':
    case 'or':
      return (
        typesEqual(a.left, (b as BinaryType).left) && typesEqual(a.right, (b as BinaryType).right)
      );
    case 'lambda':
      return typesEqual(a.arg, (b as LambdaType).arg) && typesEqual(a.ret, (b as LambdaType).ret);
    case 'map':
    case 'big_map':
      return typesEqual(a.key, (b as MapType).key) && typesEqual(a.value, (b as MapType).value);
    default:
      return true;
  }
}

export function showType(t: MType): string {
  return show(unparseType(t), 120);
}

export interface TypeProps {
  readonly comparable: boolean;
  readonly passable: boolean;
  readonly storable: boolean;
  readonly pushable: boolean;
  readonly packable: boolean;
  readonly bigMapValue: boolean;
  readonly duplicable: boolean;
  /** Contains a big_map somewhere (lazy storage). */
  readonly hasBigMap: boolean;
  /** Contains a `contract` somewhere. */
  readonly hasContract: boolean;
  /** Contains a ticket somewhere. */
  readonly hasTicket: boolean;
}

const propsCache = new WeakMap<MType, TypeProps>();

export function props(t: MType): TypeProps {
  let p = propsCache.get(t);
  if (p === undefined) {
    p = computeProps(t);
    propsCache.set(t, p);
  }
  return p;
}

const ALL: TypeProps = {
  comparable: true,
  passable: true,
  storable: true,
  pushable: true,
  packable: true,
  bigMapValue: true,
  duplicable: true,
  hasBigMap: false,
  hasContract: false,
  hasTicket: false,
};

function and(a: TypeProps, b: TypeProps): TypeProps {
  return {
    comparable: a.comparable && b.comparable,
    passable: a.passable && b.passable,
    storable: a.storable && b.storable,
    pushable: a.pushable && b.pushable,
    packable: a.packable && b.packable,
    bigMapValue: a.bigMapValue && b.bigMapValue,
    duplicable: a.duplicable && b.duplicable,
    hasBigMap: a.hasBigMap || b.hasBigMap,
    hasContract: a.hasContract || b.hasContract,
    hasTicket: a.hasTicket || b.hasTicket,
  };
}

function computeProps(t: MType): TypeProps {
  switch (t.prim) {
    case 'operation':
      return {
        ...ALL,
        comparable: false,
        passable: false,
        storable: false,
        pushable: false,
        packable: false,
      };
    case 'pair':
    case 'or':
      return and(props(t.left), props(t.right));
    case 'option':
      return props(t.arg);
    case 'list':
    case 'set':
      return { ...props(t.arg), comparable: false };
    case 'contract':
      return {
        ...props(t.arg),
        comparable: false,
        storable: false,
        pushable: false,
        hasContract: true,
      };
    case 'ticket':
      return {
        ...ALL,
        comparable: false,
        pushable: false,
        packable: false,
        duplicable: false,
        hasTicket: true,
      };
    case 'lambda':
      // A lambda's code is pushable and packable whatever its argument types.
      return { ...ALL, comparable: false };
    case 'map':
      return { ...and(props(t.key), props(t.value)), comparable: false };
    case 'big_map': {
      const v = props(t.value);
      return {
        ...v,
        comparable: false,
        pushable: false,
        packable: false,
        bigMapValue: false,
        hasBigMap: true,
      };
    }
    default:
      return ALL;
  }
}

export const isComparable = (t: MType): boolean => props(t).comparable;
