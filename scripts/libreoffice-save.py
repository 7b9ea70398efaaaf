"""Opens files in LibreOffice Calc (headless), types values into cells as a user would, and saves them.

Usage: /usr/bin/python3 libreoffice-save.py JOBS.json
JOBS.json: [{"input": path, "output": path, "saveAs": "xlsx" | "csv", "edits": [{"cell": "G3", "value": "FALSE"}]}]
A CSV file is opened as Calc opens it by default (comma-separated, UTF-8, columns of type Standard).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue

CSV_OPTIONS = '44,34,76,1'  # comma, double quote, UTF-8, from line 1; every column Standard
FILTERS = {
    'xlsx': ('Calc MS Excel 2007 XML', None),
    'csv': ('Text - txt - csv (StarCalc)', '44,34,76,1,,0,false,true,true'),  # saved as shown, like File > Save As > CSV
}


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe):
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext('com.sun.star.bridge.UnoUrlResolver', uno.getComponentContext())
    for _ in range(120):
        try:
            return resolver.resolve(f'uno:pipe,name={pipe};urp;StarOffice.ComponentContext')
        except Exception:
            time.sleep(0.5)
    raise RuntimeError('LibreOffice did not start')


def main():
    jobs = json.load(open(sys.argv[1]))
    profile = tempfile.mkdtemp(prefix='lo-profile-')
    pipe = f'learner_ledger_{os.getpid()}'
    office = subprocess.Popen(['soffice', '--headless', '--invisible', '--norestore', '--nologo', f'-env:UserInstallation=file://{profile}', f'--accept=pipe,name={pipe};urp;'])
    try:
        context = connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext('com.sun.star.frame.Desktop', context)
        dispatcher = context.ServiceManager.createInstanceWithContext('com.sun.star.frame.DispatchHelper', context)
        for job in jobs:
            load = [prop('Hidden', True)]
            if job['input'].endswith('.csv'):
                load += [prop('FilterName', 'Text - txt - csv (StarCalc)'), prop('FilterOptions', CSV_OPTIONS)]
            document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(job['input'])), '_blank', 0, tuple(load))
            frame = document.CurrentController.Frame
            for edit in job.get('edits', []):
                # Typed into the cell through the user interface's own commands: the cell's format decides what it becomes.
                dispatcher.executeDispatch(frame, '.uno:GoToCell', '', 0, (prop('ToPoint', edit['cell']),))
                dispatcher.executeDispatch(frame, '.uno:EnterString', '', 0, (prop('StringName', edit['value']),))
            name, options = FILTERS[job['saveAs']]
            store = [prop('FilterName', name), prop('Overwrite', True)]
            if options:
                store.append(prop('FilterOptions', options))
            document.storeToURL(uno.systemPathToFileUrl(os.path.abspath(job['output'])), tuple(store))
            document.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass  # the bridge goes away as LibreOffice quits
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


main()
