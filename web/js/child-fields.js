// The fields describing a child, shared by the caseload's "Add a child" and the child page.

import { choices } from "./terms.js";

// `vocab` is the server's lists of values (GET /api/vocabulary).
export function childFields({ manager, teamWorkers, vocab }) {
  const fields = [
    { name: "reference", label: "Reference (case number)", required: true },
    { name: "date_of_birth", label: "Date of birth", type: "date", required: true },
    { name: "attachment_status", label: "Attachment difficulties", type: "select", options: choices(vocab.attachment_statuses) },
    { name: "identified_on", label: "Identified on", type: "date", required: true },
    { name: "care_status", label: "Care status", type: "select", options: choices(vocab.care_statuses) },
    { name: "ethnicity", label: "Ethnicity (optional)", clearable: true },
    { name: "disability", label: "Disability", type: "select", options: choices(vocab.disabilities) },
  ];
  if (manager) {
    fields.push({
      name: "worker_id",
      label: "Allocated worker",
      type: "select",
      options: [["", "Unallocated"], ...teamWorkers.map((u) => [u.id, u.username])],
    });
  }
  return fields;
}
