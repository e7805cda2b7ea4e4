// Destructive-command rules for disks and storage below the filesystem: repairs that answer
// yes to every question, a forced zfs receive, and block-storage targets and sessions torn
// down (iSCSI, NVMe over fabrics). Installers and teardown scripts of storage hosts run these
// where a file-level rule sees nothing. destructive-rules.ts joins the tables.
import { hasFlag, operands, optionValue } from './command-args.js';
import type { DestructiveRule } from './destructive-rule-types.js';

/** The filesystem checkers, by the names a script calls them. */
const CHECKERS = ['fsck', 'e2fsck', 'fsck.ext2', 'fsck.ext3', 'fsck.ext4', 'fsck.vfat', 'fsck.fat', 'fsck.btrfs', 'fsck.xfs'];

/** ceph-volume's subcommands that format or wipe the devices they are given (`lvm list`, `activate`, `scan` only read or start). */
const CEPH_VOLUME_WRITES = /^(zap|prepare|create|batch)$/;

export const STORAGE_RULES: readonly DestructiveRule[] = [
  {
    id: 'ceph-disk-prepare',
    category: 'disks',
    commands: ['ceph-disk', 'ceph-volume'],
    matches: 'ceph-disk prepare/zap/destroy, ceph-volume lvm|raw zap/prepare/create/batch',
    // They partition, format or wipe whatever device they are pointed at: a wrong device name
    // loses that disk, as the partitioning tools do.
    when: (i) => {
      const words = operands(i.args);
      if (i.name === 'ceph-disk') return /^(prepare|zap|destroy)$/.test(words[0] ?? '') && `ceph-disk ${words[0]}`;
      const at = words.findIndex((w) => /^(lvm|raw)$/.test(w));
      return at !== -1 && CEPH_VOLUME_WRITES.test(words[at + 1] ?? '') && `ceph-volume ${words[at]} ${words[at + 1]}`;
    },
    reason: 'partitions, formats or wipes a disk for Ceph, losing what was on it ({})',
    examples: { flags: ['ceph-disk -v prepare --bluestore /dev/sdb', 'ceph-disk zap /dev/sdb', 'ceph-volume lvm zap /dev/sdb --destroy', 'ceph-volume lvm create --data /dev/sdc'], quiet: ['ceph-disk list', 'ceph-volume lvm list', 'ceph-volume lvm activate --all', 'ceph-volume simple scan'] },
  },
  {
    id: 'device-map-remove',
    category: 'disks',
    commands: ['dmsetup'],
    matches: 'dmsetup remove/remove_all/wipe_table/clear',
    // A mapping removed or its table wiped fails every read and write of whoever uses it (an
    // encrypted OSD, a volume), also while it is in use when forced.
    when: (i) => /^(remove|remove_all|wipe_table|clear)$/.test(operands(i.args)[0] ?? '') && `dmsetup ${operands(i.args)[0]}`,
    reason: 'removes a device-mapper device or its table, failing all I/O of whoever uses it ({})',
    examples: { flags: ['dmsetup remove /dev/mapper/osd-1', 'dmsetup wipe_table --force /dev/mapper/osd-1', 'dmsetup remove_all'], quiet: ['dmsetup ls --target crypt', 'dmsetup info /dev/mapper/osd-1', 'dmsetup table'] },
  },
  {
    id: 'disk-repair',
    category: 'disks',
    commands: [...CHECKERS, 'xfs_repair'],
    matches: 'fsck/e2fsck -y (yes to every repair), xfs_repair (not -n); not -p/-a (preen) or -n',
    // `-y` lets the checker clear damaged inodes and move what it cannot place to lost+found
    // without asking: files can go. A preen (`-p`) only makes repairs that need no question.
    when: (i) => (i.name === 'xfs_repair' ? !hasFlag(i.args, 'n') : hasFlag(i.args, 'y', '--yes') && !hasFlag(i.args, 'n')),
    reason: 'repairs the filesystem answering yes to every fix, which can delete damaged files',
    examples: { flags: ['fsck.ext4 -y "$DEV"', 'e2fsck -fy /dev/sdb1', 'xfs_repair -L /dev/vg/data'], quiet: ['fsck.ext4 -p /dev/sdb1', 'fsck -n /dev/sda1', 'xfs_repair -n /dev/sdc'] },
  },
  {
    id: 'zfs-receive-force',
    category: 'disks',
    commands: ['zfs'],
    matches: 'zfs receive/recv -F',
    when: (i) => /^(receive|recv)$/.test(operands(i.args)[0] ?? '') && hasFlag(i.args, 'F'),
    reason: 'rolls the target dataset back and overwrites it with the stream (zfs receive -F)',
    examples: { flags: ['zfs receive -F tank/new', 'zfs recv -Fu pool/data'], quiet: ['zfs receive tank/new', 'zfs send -i a tank/db@b'] },
  },
  {
    id: 'storage-target-remove',
    category: 'disks',
    commands: ['tgt-admin', 'tgtadm', 'iscsiadm', 'nvme', 'nvmetcli', 'targetcli'],
    matches: 'tgt-admin --delete, tgtadm/iscsiadm --op delete, iscsiadm --logout, nvme disconnect(-all)/format/delete-ns, nvmetcli clear, targetcli clearconfig',
    // A target or session torn down cuts every host using the volume off mid-write.
    when: (i) => {
      const op = optionValue(i.args, '-o', '--op');
      switch (i.name) {
        case 'tgt-admin':
          return hasFlag(i.args, '', '--delete', '--offline');
        case 'tgtadm':
        case 'iscsiadm':
          return op === 'delete' || (i.name === 'iscsiadm' && hasFlag(i.args, 'u', '--logout', '--logoutall'));
        case 'nvme':
          return /^(disconnect|disconnect-all|format|delete-ns|sanitize)$/.test(operands(i.args)[0] ?? '');
        case 'nvmetcli':
          return operands(i.args)[0] === 'clear';
        default:
          return i.args.includes('clearconfig');
      }
    },
    reason: 'tears down a storage target or session that hosts may be using (iSCSI, NVMe over fabrics)',
    examples: {
      flags: ['tgt-admin --delete iqn.2010-10.org.openstack:vol1', 'nvme disconnect-all', 'nvmetcli clear', 'iscsiadm -m node -T "$T" -p "$P" --logout', 'iscsiadm --mode node --op delete', 'targetcli clearconfig confirm=True'],
      quiet: ['tgt-admin --show', 'nvme list', 'iscsiadm -m session', 'iscsiadm -m node -T t --login', 'nvmetcli restore /etc/nvmet.json', 'iscsiadm -m node -o new -T t'],
    },
  },
];
