import { GROUP_DESCRIPTION_MAX_LENGTH, GROUP_NAME_MAX_LENGTH } from "@parley/validators";

import { TextField } from "~/components/ui/text-field";

export type GroupDetails = { name: string; description: string };

type GroupFieldsProps = {
  details: GroupDetails;
  onChange: (details: GroupDetails) => void;
  errors: { name?: string; description?: string };
  descriptionLabel: string;
};

/** A group's name (focused first) and description, as typed when creating or editing it. */
export function GroupFields({ details, onChange, errors, descriptionLabel }: GroupFieldsProps) {
  return (
    <>
      <TextField
        label="Group name"
        value={details.name}
        onChange={(event) => onChange({ ...details, name: event.target.value })}
        maxLength={GROUP_NAME_MAX_LENGTH}
        error={errors.name}
        autoComplete="off"
        autoFocus
      />
      <TextField
        label={descriptionLabel}
        value={details.description}
        onChange={(event) => onChange({ ...details, description: event.target.value })}
        maxLength={GROUP_DESCRIPTION_MAX_LENGTH}
        error={errors.description}
        autoComplete="off"
      />
    </>
  );
}
