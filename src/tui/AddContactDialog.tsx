/** Adding a contact: its Tezos address, then a name (optional). */
import { Box, Text } from 'ink';
import { useState } from 'react';
import { LineInput } from './LineInput.js';

export interface AddContactDialogProps {
  readonly onDone: (address: string, name: string | undefined) => void;
  readonly title?: string;
  /** Skip the address step (accepting a request: the address is known). */
  readonly address?: string;
}

export function AddContactDialog({ onDone, title, address: known }: AddContactDialogProps) {
  const [address, setAddress] = useState(known ?? '');
  const [step, setStep] = useState<'address' | 'name'>(known ? 'name' : 'address');
  const [name, setName] = useState('');
  return (
    <Box flexDirection="column" flexGrow={1} paddingLeft={1}>
      <Text bold>{title ?? 'Add a contact'}</Text>
      <Box>
        <Text>Address: </Text>
        <LineInput
          value={address}
          onChange={setAddress}
          active={step === 'address'}
          placeholder="tz1…"
          onSubmit={(v) => {
            if (v.trim()) setStep('name');
          }}
        />
      </Box>
      {step === 'name' ? (
        <Box>
          <Text>Name: </Text>
          <LineInput
            value={name}
            onChange={setName}
            active={true}
            placeholder="(optional)"
            onSubmit={(v) => onDone(address.trim(), v.trim() || undefined)}
          />
        </Box>
      ) : null}
      <Text dimColor>Enter: next · Esc: cancel</Text>
    </Box>
  );
}
