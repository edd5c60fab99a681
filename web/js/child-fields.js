// The fields describing a child, shared by the caseload's "Add a child" and the child page.

const ATTACHMENT = [["identified"], ["at_risk"]];
const CARE = [
  "edge_of_care", "foster_care", "kinship_foster_care", "special_guardianship",
  "adopted_from_care", "residential", "other",
].map((c) => [c]);

export function childFields({ manager, teamWorkers }) {
  const fields = [
    { name: "reference", label: "Reference (case number)", required: true },
    { name: "date_of_birth", label: "Date of birth", type: "date", required: true },
    { name: "attachment_status", label: "Attachment difficulties", type: "select", options: ATTACHMENT },
    { name: "identified_on", label: "Identified on", type: "date", required: true },
    { name: "care_status", label: "Care status", type: "select", options: CARE },
    { name: "ethnicity", label: "Ethnicity (optional)", clearable: true },
    { name: "disability", label: "Disability", type: "select", options: [["unknown"], ["yes"], ["no"]] },
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
