"use client";

/** Ticks or clears every group checkbox of the form it sits in (the unallocated queue's bulk selection). */
export function SelectAll({ name }: { name: string }) {
  return (
    <input
      type="checkbox"
      aria-label="Select all groups"
      onChange={(event) => {
        const form = event.currentTarget.form;
        form?.querySelectorAll<HTMLInputElement>(`input[type=checkbox][name="${name}"]`).forEach((box) => {
          box.checked = event.currentTarget.checked;
        });
      }}
    />
  );
}
