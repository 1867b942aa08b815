#!/usr/bin/env python3
"""Writes the keep-lists of the trimmed libraries: which classes of each library the server jar carries.

Usage: keep-lists.py LOG_DIR JAR_DIR SERVER_JAR OUT_DIR
  LOG_DIR     class-loading logs (-Xlog:class+load) of a full test run on the untrimmed build (regenerate.sh)
  JAR_DIR     the whole libraries, named <artifactId>.jar (target/trimmed-libraries after a build)
  SERVER_JAR  the executable jar of the untrimmed build: the code shipped whole
  OUT_DIR     where <artifactId>.txt is written: one class file path per line

A library's list holds:
- the classes any test run loaded from it, and one level of what those name in their declarations (superclass,
  interfaces, field and method types, generic signatures, exceptions, enclosing class);
- every class of it that the code shipped whole names anywhere in its constant pool: an instanceof or a cast
  needs the class even where the code never goes on to use it (HAPI's terminology service tests every value set
  against the DSTU2 ValueSet class first);
- the R4-to-R5 converters (conv40_50) whole, with all their code reaches in these libraries, since which of them
  runs depends on the data the validator is given;
- every superclass and interface of what is kept, which loading a class needs;
- the numbered classes inside what is kept (Bundle$1), with every class their constant pools name: the compiler
  puts an enum switch's tables and anonymous classes there, and a kept method loads them only when it runs (a
  Bundle with no type failed on DSTU3's Bundle$1, which no test had loaded, and then on the HTTPVerb enum that
  Bundle$1's tables list).
"""
import collections, io, os, re, struct, subprocess, sys, zipfile

WHOLE = ('org.hl7.fhir.convertors.conv40_50.',)
DESCRIPTOR = re.compile(r'L([^;<]+)[;<]')


def constant_pool(data):
    """A class file's constant pool (UTF-8 texts as str, class entries as the index of their name) and where it ends."""
    (count,) = struct.unpack_from('>H', data, 8)
    pool, pos, i = [None] * count, 10, 1
    while i < count:
        tag = data[pos]
        if tag == 1:
            (n,) = struct.unpack_from('>H', data, pos + 1)
            pool[i] = data[pos + 3:pos + 3 + n].decode('utf-8', 'replace')
            pos += 3 + n
        elif tag == 7:
            pool[i] = struct.unpack_from('>H', data, pos + 1)[0]
            pos += 3
        elif tag in (5, 6):
            pos += 9
            i += 1
        else:
            pos += {3: 5, 4: 5, 8: 3, 16: 3, 19: 3, 20: 3, 9: 5, 10: 5, 11: 5, 12: 5, 17: 5, 18: 5, 15: 4}[tag]
        i += 1
    return pool, pos


def read_class(data):
    """(superclass and interfaces, every class the declarations name) of one class file."""
    pool, pos = constant_pool(data)
    name_of = lambda index: pool[pool[index]]
    _, this, superclass, interfaces = struct.unpack_from('>HHHH', data, pos)
    pos += 8
    supers = {name_of(superclass)} if superclass else set()
    for _ in range(interfaces):
        supers.add(name_of(struct.unpack_from('>H', data, pos)[0]))
        pos += 2
    named = set(supers)

    def attributes(pos, of_class):
        (n,) = struct.unpack_from('>H', data, pos)
        pos += 2
        for _ in range(n):
            name, length = struct.unpack_from('>HI', data, pos)
            body = data[pos + 6:pos + 6 + length]
            if pool[name] == 'Signature':
                named.update(DESCRIPTOR.findall(pool[struct.unpack_from('>H', body, 0)[0]]))
            elif pool[name] == 'Exceptions':
                for e in range(struct.unpack_from('>H', body, 0)[0]):
                    named.add(name_of(struct.unpack_from('>H', body, 2 + 2 * e)[0]))
            elif pool[name] == 'InnerClasses' and of_class:
                for e in range(struct.unpack_from('>H', body, 0)[0]):
                    inner, outer, _, _ = struct.unpack_from('>HHHH', body, 2 + 8 * e)
                    if outer and inner == this:
                        named.add(name_of(outer))
            pos += 6 + length
        return pos

    for _ in range(2):  # fields, then methods
        (n,) = struct.unpack_from('>H', data, pos)
        pos += 2
        for _ in range(n):
            named.update(DESCRIPTOR.findall(pool[struct.unpack_from('>H', data, pos + 4)[0]]))
            pos = attributes(pos + 6, False)
    attributes(pos, True)
    dotted = lambda names: {n.replace('/', '.') for n in names if not n.startswith('[')}
    return dotted(supers), dotted(named)


def constant_pool_names(data):
    """Every class a class file's constant pool names: class entries and the types in descriptors."""
    pool, _ = constant_pool(data)
    names = {pool[entry] for entry in pool if isinstance(entry, int)}
    names = {n for n in names if not n.startswith('[')}
    for text in pool:
        if isinstance(text, str):
            names.update(DESCRIPTOR.findall(text))
    return {n.replace('/', '.') for n in names}


def shipped_names(server_jar, trimmed, loaded):
    """What the classes shipped whole in the executable jar (its own and the untrimmed libraries') that the tests
    loaded name. A shipped class never loaded, such as HAPI's DSTU3 resource providers, is left out with what it
    names: it runs only for another FHIR version."""
    def runs(name):  # a loaded class, or a numbered one of it, which loads when the code it serves runs
        numbered = NUMBERED.match(name)
        return name in loaded or (numbered is not None and numbered.group(1) in loaded)

    names = set()
    with zipfile.ZipFile(server_jar) as boot:
        for entry in boot.infolist():
            if entry.filename.startswith('BOOT-INF/classes/') and entry.filename.endswith('.class'):
                if runs(entry.filename[17:-6].replace('/', '.')):
                    names |= constant_pool_names(boot.read(entry))
            elif entry.filename.startswith('BOOT-INF/lib/') and entry.filename.endswith('.jar'):
                jar = os.path.basename(entry.filename)
                if any(jar.startswith(t + '-') for t in trimmed):
                    continue
                with zipfile.ZipFile(io.BytesIO(boot.read(entry))) as lib:
                    for inner in lib.infolist():
                        if inner.filename.endswith('.class') and runs(inner.filename[:-6].replace('/', '.')):
                            names |= constant_pool_names(lib.read(inner))
    return names


NUMBERED = re.compile(r'^(.+?)\$\d+(\$.*)?$')


def close(start, library, supers, whole, code, pools):
    """What start needs kept: its superclasses and interfaces, its numbered inner classes and what their constant
    pools (pools: numbered class to names) name, all of whole's code."""
    numbered = collections.defaultdict(set)
    for c in pools:
        numbered[NUMBERED.match(c).group(1)].add(c)
    kept, todo = set(), list(start)
    while todo:
        c = todo.pop()
        if c in kept or c not in library:
            continue
        kept.add(c)
        todo.extend(supers[c])
        todo.extend(numbered[c])
        todo.extend(pools.get(c, ()))
        if c in whole:
            todo.extend(code[c])
            whole.update(n for n in code[c] if n in library)
    return kept


def main(log_dir, jar_dir, server_jar, out_dir):
    library, supers, named, code, pools = {}, {}, {}, collections.defaultdict(set), {}
    for jar in sorted(f for f in os.listdir(jar_dir) if f.endswith('.jar')):
        path = os.path.join(jar_dir, jar)
        with zipfile.ZipFile(path) as z:
            for entry in z.infolist():
                if entry.filename.endswith('.class') and not entry.filename.endswith('module-info.class'):
                    name = entry.filename[:-6].replace('/', '.')
                    library[name] = jar[:-4]
                    supers[name], named[name] = read_class(z.read(entry))
                    if NUMBERED.match(name):
                        pools[name] = constant_pool_names(z.read(entry))
        if not any(library[c] == jar[:-4] and c.startswith(WHOLE) for c in library):
            continue
        deps = subprocess.run(['jdeps', '-verbose:class', '-filter:none', path],
                              capture_output=True, text=True, check=True).stdout
        for line in deps.splitlines():
            part = line.split()
            if len(part) >= 3 and part[1] == '->':
                code[part[0]].add(part[2])
    ever_loaded = set()
    for log in os.listdir(log_dir):
        with open(os.path.join(log_dir, log), errors='replace') as lines:
            for line in lines:
                ever_loaded.add(line.split(' ', 1)[0])
    loaded = {c for c in ever_loaded if c in library}
    whole = {c for c in library if c.startswith(WHOLE)}
    named_by_shipped = {c for c in shipped_names(server_jar, set(library.values()), ever_loaded) if c in library}
    start = set(loaded) | whole | named_by_shipped
    for c in loaded:
        start |= {n for n in named[c] if n in library}
    kept = close(start, library, supers, whole, code, pools)
    os.makedirs(out_dir, exist_ok=True)
    for lib in sorted(set(library.values())):
        classes = sorted(c.replace('.', '/') + '.class' for c in kept if library[c] == lib)
        with open(os.path.join(out_dir, lib + '.txt'), 'w') as out:
            out.write('\n'.join(classes) + '\n')
        total = sum(1 for c in library if library[c] == lib)
        print(f'{lib}: {len(classes)} of {total} classes kept ({sum(1 for c in loaded if library.get(c) == lib)} '
              f'loaded in the tests, {sum(1 for c in named_by_shipped if library[c] == lib)} named by shipped code)')


if __name__ == '__main__':
    main(*sys.argv[1:5])
