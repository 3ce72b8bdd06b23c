# -*- coding: utf-8 -*-
# Copyright (c) melissa.cicero contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The credits read's own options, declared by module_utils/_reads.py credits_options(); keep in step.
    DOCUMENTATION = r'''
options:
  expiring_within_days:
    description:
      - Window for C(credits_expiring_soon) - batches that expire in fewer than this many whole days.
    type: int
    default: 30
'''
