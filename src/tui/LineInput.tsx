/**
 * A one-line text editor for the chat: printable keys insert at the cursor,
 * ←/→/Home/End move, Backspace/Delete erase, Enter submits. Keys with Ctrl
 * or Meta, arrows ↑/↓, Tab and Esc are left to the screen's own shortcuts.
 * `mask` shows every character as • (passphrases).
 */
import { Text, useInput } from 'ink';
import { useRef, useState } from 'react';

export interface LineInputProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onSubmit: (value: string) => void;
  readonly active: boolean;
  readonly mask?: boolean;
  readonly placeholder?: string;
}

export function LineInput(props: LineInputProps) {
  const { value, onChange, onSubmit, active, mask, placeholder } = props;
  // Keys typed quickly (or pasted) arrive as several events before React
  // re-renders: edit a ref, not the (stale) props, and emit each result.
  const edit = useRef({ value, cursor: value.length });
  const emitted = useRef(value);
  const [, rerender] = useState(0);
  if (value !== emitted.current) {
    // Changed by the parent (cleared after sending, for example).
    edit.current = { value, cursor: value.length };
    emitted.current = value;
  }
  const set = (next: string, cursor: number) => {
    edit.current = { value: next, cursor };
    if (next !== emitted.current) {
      emitted.current = next;
      onChange(next);
    }
    rerender((n) => n + 1);
  };

  useInput(
    (input, key) => {
      const { value: v, cursor: at } = edit.current;
      if (key.return) {
        onSubmit(v);
        return;
      }
      if (key.upArrow || key.downArrow || key.tab || key.escape || key.ctrl || key.meta) return;
      if (key.pageUp || key.pageDown) return;
      if (key.leftArrow) return set(v, Math.max(0, at - 1));
      if (key.rightArrow) return set(v, Math.min(v.length, at + 1));
      if (key.home) return set(v, 0);
      if (key.end) return set(v, v.length);
      // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
      if (key.backspace || key.delete) {
        if (at > 0) set(v.slice(0, at - 1) + v.slice(at), at - 1);
        return;
      }
      // Fast typing and pastes arrive as one chunk, an Enter inside it included:
      // insert up to each line end, then submit. Other control characters go.
      const lines = input.split(/\r\n|\r|\n/);
      lines.forEach((line, i) => {
        const clean = [...line].filter((c) => c >= ' ' && c !== '\x7f').join('');
        const cur = edit.current;
        if (clean)
          set(
            cur.value.slice(0, cur.cursor) + clean + cur.value.slice(cur.cursor),
            cur.cursor + clean.length,
          );
        if (i < lines.length - 1) onSubmit(edit.current.value);
      });
    },
    { isActive: active },
  );

  const at = Math.min(edit.current.cursor, value.length);
  const shown = mask ? '•'.repeat(value.length) : value;
  if (!active) return <Text dimColor>{shown || placeholder || ''}</Text>;
  if (shown.length === 0 && placeholder)
    return (
      <Text>
        <Text inverse> </Text>
        <Text dimColor>{placeholder}</Text>
      </Text>
    );
  return (
    <Text>
      {shown.slice(0, at)}
      <Text inverse>{shown[at] ?? ' '}</Text>
      {shown.slice(at + 1)}
    </Text>
  );
}
