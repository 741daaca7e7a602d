/**
 * A one-line text editor for the chat: printable keys insert at the cursor,
 * ←/→/Home/End move, Backspace/Delete erase, Enter submits. Keys with Ctrl
 * or Meta, arrows ↑/↓, Tab and Esc are left to the screen's own shortcuts.
 * `mask` shows every character as • (passphrases).
 */
import { Text, useInput } from 'ink';
import { useState } from 'react';

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
  const [cursor, setCursor] = useState(value.length);
  const at = Math.min(cursor, value.length);

  useInput(
    (input, key) => {
      if (key.return) {
        onSubmit(value);
        setCursor(0);
        return;
      }
      if (key.upArrow || key.downArrow || key.tab || key.escape || key.ctrl || key.meta) return;
      if (key.pageUp || key.pageDown) return;
      if (key.leftArrow) return setCursor(Math.max(0, at - 1));
      if (key.rightArrow) return setCursor(Math.min(value.length, at + 1));
      if (key.home) return setCursor(0);
      if (key.end) return setCursor(value.length);
      // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
      if (key.backspace || key.delete) {
        if (at === 0) return;
        onChange(value.slice(0, at - 1) + value.slice(at));
        setCursor(at - 1);
        return;
      }
      // Pasted text arrives as one chunk; drop control characters (newlines included).
      const clean = [...input].filter((c) => c >= ' ' && c !== '\x7f').join('');
      if (!clean) return;
      onChange(value.slice(0, at) + clean + value.slice(at));
      setCursor(at + clean.length);
    },
    { isActive: active },
  );

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
