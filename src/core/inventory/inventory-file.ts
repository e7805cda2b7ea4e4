/** The inventory's file name, at the workspace's root. */
export const INVENTORY_FILE = 'handrail.yml';
